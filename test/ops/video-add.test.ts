import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PassThrough, Readable, Writable } from 'node:stream'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { main, type Io } from '../../scripts/video-add'
import type { Video } from '../../scripts/lib/video-upload'
import { clipBytes, makeClip, makeSubtitles } from '../support/media'

/**
 * `npm run video:add` against a small fake of the admin API rows of CONTRACT.md (create, list, get, part, complete,
 * subtitles, login, me), strict where the contract is: part sizes, Content-Length (411/413), Content-MD5, 422 on
 * complete with parts missing. Parts are 64 KiB here so a 4 s clip (~250 KB) spans several.
 */
const PART = 64 * 1024
const TOKEN = 'operator-token'
const OPERATOR = { id: 'u-operator', email: 'op@example.com', password: 'correct horse' }

interface Fake {
  videos: Map<string, Video & { bytes: Map<number, Buffer>; subtitleText: Map<string, string> }>
  log: string[]
  /** PUTs of this part number drop the connection while > 0 (each counts one down) */
  breakPart: { n: number; times: number } | null
  /** statuses the video goes through on each GET after completion */
  after: Video['status'][]
}

const fake: Fake = { videos: new Map(), log: [], breakPart: null, after: [] }
let server: Server
let base: string
let clip: string
let subtitles: string

const error = (code: string, message: string, details?: unknown) => JSON.stringify({ error: { code, message, request_id: 'r', ...(details ? { details } : {}) } })

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function handle(req: IncomingMessage): Promise<[number, string?] | 'drop'> {
  const url = new URL(req.url!, 'http://fake')
  const path = url.pathname
  fake.log.push(`${req.method} ${path}`)
  if (req.method === 'POST' && path === '/api/v1/auth/login') {
    const body = JSON.parse((await readBody(req)).toString()) as { email: string; password: string }
    if (body.email !== OPERATOR.email || body.password !== OPERATOR.password) return [401, error('invalid_credentials', 'Wrong email or password')]
    return [200, JSON.stringify({ token: TOKEN, user: { id: OPERATOR.id, email: OPERATOR.email } })]
  }
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return [401, error('unauthorized', 'Sign in first')]
  if (req.method === 'GET' && path === '/api/v1/me') return [200, JSON.stringify({ id: OPERATOR.id, email: OPERATOR.email })]
  const show = (v: Video & { bytes?: unknown; subtitleText?: unknown }) => JSON.stringify({ ...v, bytes: undefined, subtitleText: undefined })
  if (path === '/api/v1/admin/videos') {
    if (req.method === 'GET') return [200, `{"results":[${[...fake.videos.values()].map(show).join(',')}]}`]
    const body = JSON.parse((await readBody(req)).toString()) as { movie_id: number; size: number; license?: string; credit?: string; label?: string }
    if (!body.license) return [422, error('validation_failed', 'Invalid request', [{ path: 'license', message: 'Required' }])]
    const id = `v${fake.videos.size + 1}`
    const now = new Date().toISOString()
    const video = {
      ...{ id, movie_id: body.movie_id, size: body.size, part_size: PART, parts: [], status: 'uploading' as const, progress: 0, error: null },
      ...{ license: body.license, credit: body.credit ?? null, label: body.label ?? null, duration: null, renditions: [], subtitles: [] },
      ...{ created_by: OPERATOR.id, updated_at: now, bytes: new Map(), subtitleText: new Map() },
    }
    fake.videos.set(id, video)
    return [201, show(video)]
  }
  const match = /^\/api\/v1\/admin\/videos\/(\w+)(?:\/(parts|complete|subtitles)(?:\/([\w-]+))?)?$/.exec(path)
  const video = match && fake.videos.get(match[1]!)
  if (!video) return [404, error('not_found', 'No such video')]
  const count = Math.ceil(video.size / PART)
  if (req.method === 'PUT' && match[2] === 'parts') {
    const n = Number(match[3])
    if (!req.headers['content-length']) return [411, error('malformed_request', 'Content-Length required')]
    if (Number(req.headers['content-length']) > PART) return [413, error('malformed_request', 'Part too large')]
    if (fake.breakPart?.n === n && fake.breakPart.times-- > 0) return 'drop'
    const bytes = await readBody(req)
    const size = n < count ? PART : video.size - (count - 1) * PART
    if (n < 1 || n > count || bytes.length !== size) return [422, error('validation_failed', `Part ${n} must be ${size} bytes`)]
    const md5 = createHash('md5').update(bytes).digest('base64')
    if (req.headers['content-md5'] !== md5) return [400, error('malformed_request', 'Content-MD5 mismatch')]
    video.bytes.set(n, bytes)
    video.parts = [...video.parts.filter((p) => p.n !== n), { n, size, etag: md5 }].sort((a, b) => a.n - b.n)
    return [200, JSON.stringify({ part: n, size, etag: md5 })]
  }
  if (req.method === 'POST' && match[2] === 'complete') {
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !video.bytes.has(n))
    if (missing.length) return [422, error('validation_failed', `Missing parts: ${missing.join(', ')}`)]
    video.status = 'queued'
    return [202, show(video)]
  }
  if (req.method === 'PUT' && match[2] === 'subtitles') {
    video.subtitleText.set(match[3]!, (await readBody(req)).toString())
    video.subtitles = [...video.subtitleText.keys()]
    return [201]
  }
  if (req.method === 'GET' && !match[2]) {
    if (video.status !== 'uploading' && fake.after.length) video.status = fake.after.shift()!
    if (video.status === 'transcoding') video.progress = 0.5
    if (video.status === 'ready') Object.assign(video, { progress: 1, duration: 4, renditions: [{ height: 180, bandwidth: 300_000 }] })
    return [200, show(video)]
  }
  return [405, error('not_found', 'Unknown route')]
}

beforeAll(async () => {
  ;[clip, subtitles] = await Promise.all([makeClip({ seconds: 4, width: 320, height: 180 }), makeSubtitles({ seconds: 4 })])
  server = createServer((req, res) => {
    handle(req).then(
      (answer) => {
        if (answer === 'drop') return req.socket.destroy()
        res.writeHead(answer[0], { 'content-type': 'application/json' }).end(answer[1])
      },
      (e: unknown) => res.writeHead(500).end(error('internal', String(e))),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  fake.videos.clear()
  fake.log = []
  fake.breakPart = null
  fake.after = []
})

/** Runs the CLI in-process (its real argument parsing, prompts and HTTP), capturing its output. */
async function cli(args: string[], options: { token?: string; input?: string; tty?: boolean } = {}) {
  let stdout = ''
  let stderr = ''
  const rawModes: boolean[] = []
  // A terminal: the operator types the email, then the password with a typo and a backspace.
  const terminal = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (raw: boolean) => rawModes.push(raw) })
  if (options.tty) setTimeout(() => terminal.write(`${OPERATOR.email}\r`), 20)
  if (options.tty) setTimeout(() => terminal.write(`${OPERATOR.password}x\u007f\r`), 40)
  const stdin = options.tty ? terminal : Readable.from([options.input ?? ''])
  const io: Io = {
    env: { FLIXPEEK_URL: base, ...(options.token !== undefined ? { FLIXPEEK_TOKEN: options.token } : {}) },
    stdin,
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty },
    stderr: Object.assign(new Writable({ write: (chunk: Buffer, _enc, done) => ((stderr += chunk.toString()), done()) }), { isTTY: options.tty }),
    pollMs: 10,
    retryDelayMs: 5,
  }
  const code = await main(args, io)
  return { code, stdout, stderr, rawModes }
}
const upload = (...extra: string[]) => ['--movie', '550', clip, '--license', 'CC BY 4.0', ...extra]
const partPuts = () => fake.log.filter((l) => /^PUT .*\/parts\//.test(l)).map((l) => Number(l.split('/').pop()))

describe('npm run video:add', () => {
  it('should upload a file in parts with checksums, add subtitles and wait until the video is ready', async () => {
    fake.after = ['queued', 'transcoding', 'ready']
    const run = await cli(upload('--credit', 'Test pattern', '--subtitles', `es=${subtitles}`), { token: TOKEN })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const [video] = [...fake.videos.values()]
    const count = Math.ceil(video!.size / PART)
    expect(count).toBeGreaterThan(2)
    expect(partPuts()).toEqual(Array.from({ length: count }, (_, i) => i + 1))
    const received = Buffer.concat([...video!.bytes.entries()].sort(([a], [b]) => a - b).map(([, b]) => b))
    expect(Buffer.compare(received, clipBytes(clip))).toBe(0)
    expect(video).toMatchObject({ movie_id: 550, license: 'CC BY 4.0', credit: 'Test pattern', status: 'ready', subtitles: ['es'] })
    expect(video!.subtitleText.get('es')).toContain('00:00:00,000 --> 00:00:01,500')
    // Non-TTY output: one line per part, then the statuses it went through.
    expect(run.stdout).toMatch(new RegExp(`Uploading part ${count}/${count}: .* 100%, .*MB/s`))
    expect(run.stdout).toMatch(/queued\n.*transcoding 50%\n.*ready\nReady: 4 s, 180p, subtitles es\n$/)
  })

  it('should resume an interrupted upload: the second run sends only the parts the API lacks', async () => {
    fake.breakPart = { n: 2, times: 100 }
    const first = await cli(upload('--no-wait'), { token: TOKEN })
    expect(first.code).toBe(1)
    expect(first.stderr).toMatch(/^video:add: part 2\/\d+ failed after 4 attempts: fetch failed.*\n$/)
    expect(partPuts()).toEqual([1, 2, 2, 2, 2])
    expect(fake.log).not.toContain('POST /api/v1/admin/videos/v1/complete')

    fake.log = []
    fake.breakPart = null
    const second = await cli(upload('--no-wait'), { token: TOKEN })
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('Resuming upload v1 (1 part(s) already received)')
    const count = Math.ceil(fake.videos.get('v1')!.size / PART)
    expect(partPuts()).toEqual(Array.from({ length: count - 1 }, (_, i) => i + 2))
    expect(fake.videos.size).toBe(1)
    expect(fake.videos.get('v1')!.status).toBe('queued')
  })

  it('should retry a part that failed once and carry on', async () => {
    fake.breakPart = { n: 1, times: 1 }
    const run = await cli(upload('--no-wait'), { token: TOKEN })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/Part 1\/\d+ failed \(fetch failed.*\); retrying in 0\.0 s/)
    expect(partPuts().slice(0, 3)).toEqual([1, 1, 2])
  })

  it('should stop at queued with --no-wait (no polling)', async () => {
    const run = await cli(upload('--no-wait'), { token: TOKEN })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Not waiting for the transcoder (--no-wait): video v1 is queued')
    expect(fake.log.filter((l) => l === 'GET /api/v1/admin/videos/v1')).toEqual([])
  })

  it('should stop waiting after --timeout with a clear message, and report a failed transcode', async () => {
    fake.after = Array<Video['status']>(1000).fill('transcoding')
    const slow = await cli(upload('--timeout', '0.1'), { token: TOKEN })
    expect(slow.code).toBe(1)
    expect(slow.stderr).toMatch(/^video:add: still transcoding after 0\.1 s; stopped waiting .*\/api\/v1\/admin\/videos\/v1\)\n$/)

    fake.videos.clear()
    fake.after = ['failed']
    const failed = await cli(upload(), { token: TOKEN })
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/^video:add: transcoding failed: /)
  })

  it('should log in with an email and password when no FLIXPEEK_TOKEN is set, and print the API message when refused', async () => {
    const ok = await cli(upload('--no-wait'), { input: `${OPERATOR.email}\n${OPERATOR.password}\n` })
    expect(ok.code).toBe(0)
    expect(fake.log[0]).toBe('POST /api/v1/auth/login')

    const refused = await cli(upload('--no-wait'), { input: `${OPERATOR.email}\nwrong\n` })
    expect(refused).toMatchObject({ code: 1, stderr: 'video:add: Wrong email or password [HTTP 401 invalid_credentials, POST /api/v1/auth/login]\n' })
  })

  it('should prompt at a terminal (the password unechoed, in raw mode) and draw progress on one line', async () => {
    const run = await cli(upload('--no-wait'), { tty: true })
    expect(run.code).toBe(0)
    expect(fake.log[0]).toBe('POST /api/v1/auth/login')
    expect(run.stderr).toContain('Operator email: ')
    expect(run.stderr).not.toContain(OPERATOR.password)
    // readline's raw mode for the email line, then ours for the password (typed with a backspace: login succeeded).
    expect(run.rawModes).toEqual([true, false, true, false])
    expect(run.stdout).toMatch(/\r\x1b\[KUploading part \d+\/\d+: [^\n]*\r\x1b\[KUpload complete/)
    expect(run.stdout).not.toMatch(/Uploading part [^\r]*\n/)
  })

  it('should refuse bad usage with exit 2 before any request (missing --license first of all)', async () => {
    for (const args of [
      ['--movie', '550', clip],
      ['--movie', 'abc', clip, '--license', 'x'],
      ['--movie', '550', '--license', 'x'],
      ['--movie', '550', '/nonexistent.mp4', '--license', 'x'],
      [...upload(), '--subtitles', 'spanish.srt'],
      [...upload(), '--bogus'],
    ]) {
      const run = await cli(args, { token: TOKEN })
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr).toMatch(/^video:add: .*\nRun npm run video:add -- --help for the options\.\n$/)
    }
    expect((await cli(['--movie', '550', clip], { token: TOKEN })).stderr).toContain('--license TEXT is required')
    expect(fake.log).toEqual([])
  })

  it('should run as the npm script (exit 2 without --license) and print its help', async () => {
    const script = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts['video:add']
    expect(script).toBe('node --import tsx scripts/video-add.ts')
    const bad = spawnSync('node', ['--import', 'tsx', 'scripts/video-add.ts', '--movie', '550', clip], { encoding: 'utf8', env: { ...process.env, FLIXPEEK_URL: base } })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('--license TEXT is required')
    const help = await cli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: npm run video:add -- --movie ID FILE --license TEXT/)
  })
})
