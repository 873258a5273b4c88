/**
 * `npm run bench:transcode [-- --seconds 60 --height 1080]`: how fast this machine transcodes, and what the outputs
 * weigh. Generates a source with ffmpeg (moving `testsrc2` picture, a tone; H.264 at a high bit rate, as a camera
 * file would be), then runs the transcoder's own ffmpeg runs on it (src/transcoder/ffmpeg-args.ts: the HLS ladder,
 * the MP4, the poster, the sprites) and prints each run's speed (× realtime) and the size of every rendition.
 * Nothing is uploaded; the files stay in a temporary folder that is removed at the end.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { hlsArgs, mp4Args, posterArgs, probeArgs, spriteArgs } from '../src/transcoder/ffmpeg-args'
import { planLadder } from '../src/transcoder/ladder'
import { parseProbe } from '../src/transcoder/probe'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, height: { type: 'string', default: '1080' } } })
const seconds = Number(values.seconds)
const height = Number(values.height)
const width = Math.round((height * 16) / 9 / 2) * 2
const dir = mkdtempSync(join(tmpdir(), 'flixpeek-bench-transcode-'))

function run(command: string, args: string[]): { ms: number; stdout: string } {
  const started = performance.now()
  const result = spawnSync(command, args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr.slice(-2000)}`)
  return { ms: performance.now() - started, stdout: result.stdout }
}

function sizeOf(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.size
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0)
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`
const perHour = (bytes: number) => `${((bytes / seconds) * 3600 / 1e9).toFixed(2)} GB/h`

try {
  const source = join(dir, 'source.mp4')
  console.log(`Source: ${seconds} s of ${width}×${height} at 24 fps, generated…`)
  run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=24`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '12M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '192k', source,
  ])
  const plan = planLadder(parseProbe(run('ffprobe', probeArgs(source)).stdout))
  const out = join(dir, 'out')
  const runs: [string, string[]][] = [
    [`HLS ladder (${plan.video.map((rung) => `${rung.name}p`).join(', ')} + ${plan.audio.length} audio)`, hlsArgs(plan, { input: source, outDir: out })],
    ['MP4 download', mp4Args(plan, { input: source, output: join(out, 'download.mp4') })],
    ['poster', posterArgs(plan, { input: source, output: join(out, 'poster.jpg') })],
    ['trickplay sprites', spriteArgs(plan, { input: source, outDir: join(out, 'thumbs') })],
  ]
  mkdirSync(join(out, 'thumbs'), { recursive: true })
  let total = 0
  for (const [name, args] of runs) {
    const { ms } = run('ffmpeg', args)
    total += ms
    console.log(`  ${name.padEnd(44)} ${(ms / 1000).toFixed(1).padStart(6)} s   ${((seconds * 1000) / ms).toFixed(2)}× realtime`)
  }
  console.log(`  ${'all of it'.padEnd(44)} ${(total / 1000).toFixed(1).padStart(6)} s   ${((seconds * 1000) / total).toFixed(2)}× realtime\n`)
  console.log('Outputs:')
  for (const name of readdirSync(out).sort()) {
    const bytes = sizeOf(join(out, name))
    console.log(`  ${name.padEnd(16)} ${mb(bytes).padStart(10)}   ${perHour(bytes)}`)
  }
  console.log(`  ${'total'.padEnd(16)} ${mb(sizeOf(out)).padStart(10)}   ${perHour(sizeOf(out))}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
