import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { call, login, uploadVideo, type Api, type Video } from './video-upload'

/**
 * Sample videos for a first run (`SAMPLE_VIDEOS=on`, the default of `npm start` and `npm run start:node`): short
 * generated films attached to the first three films of the popular row, so a newcomer's library has something in
 * it. Generated once into `<data>/samples/v<GENERATOR>/` by Debian's ffmpeg (test pattern, burned-in timecode and
 * title, speech from espeak-ng in two languages or tones without it, subtitles in the six app languages), under
 * `nice -n 19` with one thread; uploaded through the admin API as any operator's file would be, by a local operator
 * account of their own (sampleOperatorOf), and transcoded by the stack's transcoder. Bumping GENERATOR replaces them.
 */
// 2: made ready under the names the media route serves (`master-r<n>.m3u8`, `subtitles/<lang>-…`); v1's cannot play.
export const GENERATOR = 2
export const SAMPLE_LABEL = 'Sample video'
export const SAMPLE_LICENSE = 'generated test media'
const CREDIT = `Flixpeek sample generator v${GENERATOR}`
const SECONDS = 20
const SIZE = { width: 640, height: 360 }

/** What each app language's subtitles say (generated media, not the app's copy: not in the message catalogue). */
const LINES: Record<string, string> = {
  en: 'This is a generated sample video.',
  es: 'Este es un vídeo de muestra generado.',
  fr: 'Ceci est une vidéo d’exemple générée.',
  de: 'Dies ist ein generiertes Beispielvideo.',
  ja: 'これは自動生成されたサンプル動画です。',
  ar: 'هذا فيديو تجريبي مُولَّد.',
}
/** The two spoken languages: espeak-ng voices and what they say, tagged as ISO 639-2 on the audio tracks. */
const VOICES = [
  { voice: 'en-us', tag: 'eng', text: 'This is a sample video for Flixpeek. One, two, three, four, five.' },
  { voice: 'fr-fr', tag: 'fra', text: 'Ceci est une vidéo d’exemple pour Flixpeek. Un, deux, trois, quatre, cinq.' },
]

export interface SampleOptions {
  /** The app, e.g. http://127.0.0.1:8787 */
  url: string
  dataDir: string
  /** The local SES server whose inbox holds the sample operator's verification mail. */
  inboxUrl: string
  /** sampleOperatorOf(dataDir), whose address the stack made an operator */
  operator: SampleOperator
  log: (line: string) => void
}

const has = (tool: string) => spawnSync(tool, ['-version'], { stdio: 'ignore' }).status === 0 || spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0

/** Whether ffmpeg is here (for the transcoder and the samples); else says how to get it (the app runs on without). */
export function canTranscode(log: (line: string) => void): boolean {
  if (has('ffmpeg') && has('ffprobe')) return true
  log('ffmpeg is not installed: the transcoder does not start, uploads stay queued and there are no sample videos. Install it (Debian/Ubuntu: sudo apt-get install ffmpeg espeak-ng; macOS: brew install ffmpeg espeak-ng) and start again.')
  return false
}

/** Generates (once) and uploads the sample videos that are missing; replaces those of an older generator. */
export async function addSampleVideos(o: SampleOptions): Promise<void> {
  const dir = join(o.dataDir, 'samples')
  mkdirSync(dir, { recursive: true })
  const api: Api = { base: o.url }
  const { token, userId } = await signInOperator(api, o.dataDir, o.operator, o.inboxUrl)
  const operator = { ...api, token }
  const popular = (await call<{ results: { id: number; title: string }[] }>(api, 'GET', '/api/v1/movies/popular')).results.slice(0, 3)
  const samples = (await call<{ results: Video[] }>(operator, 'GET', '/api/v1/admin/videos')).results.filter((v) => v.label === SAMPLE_LABEL && v.license === SAMPLE_LICENSE)
  for (const old of samples.filter((v) => v.credit !== CREDIT)) await call(operator, 'DELETE', `/api/v1/admin/videos/${old.id}`)
  const current = new Set(samples.filter((v) => v.credit === CREDIT && v.status !== 'uploading').map((v) => v.movie_id))
  for (const film of popular.filter((f) => !current.has(f.id))) {
    const files = await generate(join(dir, `v${GENERATOR}`), film)
    await uploadVideo({
      ...operator,
      file: files.video,
      movieId: film.id,
      license: SAMPLE_LICENSE,
      credit: CREDIT,
      label: SAMPLE_LABEL,
      subtitles: files.subtitles,
      userId,
      wait: false,
      report: { tty: false, status: () => {}, line: () => {} },
    })
    o.log(`Sample videos: "${film.title}" uploaded; the transcoder makes it ready`)
  }
}

/** The samples' own local operator: an address of this data folder's, its password, and whether it is verified. */
export interface SampleOperator {
  email: string
  password: string
  verified: boolean
}

const operatorFile = (dataDir: string) => join(dataDir, 'samples', 'operator.json')

/**
 * The sample operator of this data folder (which the stack adds to ADMIN_EMAILS): kept in
 * `<data>/samples/operator.json` (mode 0600) once verified. One that never got verified (a first start stopped in
 * between; the local inbox forgets its mail on restart) is replaced by a new address.
 */
export function sampleOperatorOf(dataDir: string): SampleOperator {
  const file = operatorFile(dataDir)
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<SampleOperator>
    if (saved.verified && saved.email && saved.password) return saved as SampleOperator
  }
  mkdirSync(join(dataDir, 'samples'), { recursive: true })
  const fresh = { email: `sample-videos-${randomBytes(4).toString('hex')}@flixpeek.example`, password: randomBytes(18).toString('base64url'), verified: false }
  writeFileSync(file, JSON.stringify(fresh), { mode: 0o600 })
  return fresh
}

/** Signs the sample operator in, first signing it up and verifying its address through the local inbox. */
export async function signInOperator(api: Api, dataDir: string, operator: SampleOperator, inboxUrl: string): Promise<{ token: string; userId: string }> {
  if (operator.verified) return login(api, operator.email, operator.password)
  const { token, user } = await call<{ token: string; user: { id: string } }>(api, 'POST', '/api/v1/auth/signup', { json: { email: operator.email, password: operator.password, display_name: 'Sample videos' } })
  const link = await verificationLink(inboxUrl, operator.email)
  await call({ ...api, token }, 'POST', '/api/v1/auth/verify-email', { json: { token: link.searchParams.get('token') } })
  writeFileSync(operatorFile(dataDir), JSON.stringify({ ...operator, verified: true }), { mode: 0o600 })
  return { token, userId: user.id }
}

async function verificationLink(inboxUrl: string, address: string): Promise<URL> {
  for (let i = 0; i < 100; i++) {
    const { emails } = (await (await fetch(`${inboxUrl}/store`)).json()) as { emails: { destination: { to: string[] }; body: { text?: string } }[] }
    const mail = emails.findLast((email) => email.destination.to.includes(address))
    const match = mail && /https?:\/\/\S+\/verify\?\S+/.exec(mail.body.text ?? '')
    if (match) return new URL(match[0])
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`the verification email of ${address} did not arrive`)
}

/** The sample's source and subtitle files for a film (made once; a later start finds them). */
async function generate(dir: string, film: { id: number; title: string }): Promise<{ video: string; subtitles: { lang: string; file: string }[] }> {
  mkdirSync(dir, { recursive: true })
  const subtitles = Object.entries(LINES).map(([lang, line]) => {
    const file = join(dir, `${film.id}.${lang}.vtt`)
    if (!existsSync(file)) writeFileSync(file, subtitleText(film.title, line))
    return { lang, file }
  })
  const video = join(dir, `${film.id}.mp4`)
  if (existsSync(video)) return { video, subtitles }
  // The title goes through a file: drawtext would otherwise read its quotes, colons and %{…} as syntax.
  writeFileSync(join(dir, 'title.txt'), film.title.slice(0, 60))
  const speech = has('espeak-ng')
  const inputs: string[] = ['-f', 'lavfi', '-i', `testsrc2=size=${SIZE.width}x${SIZE.height}:rate=24`]
  for (const [i, v] of VOICES.entries()) {
    if (speech) {
      await run('espeak-ng', ['-v', v.voice, '-w', join(dir, `voice-${i}.wav`), v.text], dir)
      inputs.push('-stream_loop', '-1', '-i', `voice-${i}.wav`)
    } else inputs.push('-f', 'lavfi', '-i', `sine=frequency=${440 + 220 * i}:sample_rate=48000`)
  }
  const text = 'font=Noto Sans:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=8:x=(w-tw)/2'
  const picture = `drawtext=${text}:textfile=title.txt:expansion=none:fontsize=30:y=28,drawtext=${text}:timecode='00\\:00\\:00\\:00':rate=24:fontsize=26:y=h-th-28`
  const tmp = `${film.id}.tmp.mp4`
  await run('nice', [
    '-n', '19', 'ffmpeg', '-hide_banner', '-loglevel', 'error', '-y', ...inputs, '-t', String(SECONDS),
    '-map', '0:v', ...VOICES.flatMap((_, i) => ['-map', `${i + 1}:a`]), '-vf', picture,
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-threads', '1',
    '-c:a', 'aac', '-b:a', '96k', '-ac', '2', ...VOICES.flatMap((v, i) => [`-metadata:s:a:${i}`, `language=${v.tag}`]),
    '-movflags', '+faststart', tmp,
  ], dir)
  renameSync(join(dir, tmp), video)
  for (const i of VOICES.keys()) rmSync(join(dir, `voice-${i}.wav`), { force: true })
  return { video, subtitles }
}

/** One cue every 4 seconds: the film's title, then the language's line. */
function subtitleText(title: string, line: string): string {
  const stamp = (s: number) => `00:00:${String(s).padStart(2, '0')}.000`
  const cues = Array.from({ length: SECONDS / 4 }, (_, i) => `${stamp(i * 4)} --> ${stamp(i * 4 + 3)}\n${i === 0 ? title.replace(/-->/g, '→') : line}\n`)
  return `WEBVTT\n\n${cues.join('\n')}`
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)))
    child.once('error', reject)
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`))))
  })
}
