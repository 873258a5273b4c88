/**
 * `npm run video:add -- --movie ID FILE --license TEXT [--credit TEXT] [--label TEXT] [--subtitles LANG=FILE …]`:
 * uploads a video for a film through the admin API (HTTP only, scripts/lib/video-upload.ts), resuming an
 * unfinished upload of the same file, then waits until the transcoder has made it ready. Exit codes: 0 ok,
 * 1 failure (one line: the API's message), 2 usage.
 */
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { describeError, login, uploadVideo, whoAmI, type Reporter } from './lib/video-upload'

const USAGE = `Usage: npm run video:add -- --movie ID FILE --license TEXT [options]

Uploads FILE (any format ffmpeg reads) as a video of film ID through the admin API, in parts, resuming an
unfinished upload of the same file by you; then waits until the transcoder has made it ready.

Options:
  --movie ID              the film's id (required)
  --license TEXT          the licence you hold the video under, e.g. "CC BY 4.0" (required)
  --credit TEXT           a credit line shown with the video
  --label TEXT            a name for operators, e.g. "Director's cut"
  --subtitles LANG=FILE   a SubRip or WebVTT file, e.g. es=film.es.srt (repeatable)
  --no-wait               stop once the upload is queued for transcoding
  --timeout SECONDS       stop waiting after this long (default 0: until ready or failed)
  -h, --help              this help

Environment:
  FLIXPEEK_URL            the app (default http://127.0.0.1:8787)
  FLIXPEEK_TOKEN          an operator's bearer token; without it you are asked for an email and password

Exit codes: 0 ready (or queued with --no-wait), 1 failure, 2 usage.
`

interface Output {
  write(text: string): unknown
  isTTY?: boolean
}
export interface Io {
  env: Record<string, string | undefined>
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown }
  stdout: Output
  stderr: Output
  fetch?: typeof fetch
  /** tests shorten the waits */
  pollMs?: number
  retryDelayMs?: number
}

class UsageError extends Error {}

const isFile = (path: string) => {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      movie: { type: 'string' },
      license: { type: 'string' },
      credit: { type: 'string' },
      label: { type: 'string' },
      subtitles: { type: 'string', multiple: true },
      'no-wait': { type: 'boolean' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return { help: true as const }
  if (!values.movie || !/^[1-9]\d*$/.test(values.movie)) throw new UsageError('--movie ID is required (a film id, e.g. --movie 550)')
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one FILE, not ${positionals.length}` : 'FILE is required (the video to upload)')
  const file = positionals[0]!
  if (!isFile(file) || statSync(file).size === 0) throw new UsageError(`${file}: not a readable, non-empty file`)
  if (!values.license?.trim()) throw new UsageError('--license TEXT is required: the licence you hold this video under, e.g. --license "CC BY 4.0"')
  const timeout = Number(values.timeout ?? 0)
  if (!Number.isFinite(timeout) || timeout < 0) throw new UsageError('--timeout takes a number of seconds (0: wait until ready)')
  const subtitles = (values.subtitles ?? []).map((spec) => {
    const match = /^([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)=(.+)$/.exec(spec)
    if (!match) throw new UsageError(`--subtitles ${spec}: expected LANG=FILE, e.g. es=film.es.srt`)
    if (!isFile(match[2]!)) throw new UsageError(`--subtitles ${spec}: ${match[2]} is not a readable file`)
    return { lang: match[1]!, file: match[2]! }
  })
  const { license, credit, label } = values
  return { help: false as const, movieId: Number(values.movie), file, license, credit, label, subtitles, wait: !values['no-wait'], timeout }
}

/** Reads a password from a terminal without echoing it (raw mode); Ctrl-C aborts. */
function readSecret(io: Io, prompt: string): Promise<string> {
  const stdin = io.stdin
  io.stderr.write(prompt)
  return new Promise((resolvePassword, reject) => {
    let value = ''
    const finish = () => {
      stdin.off('data', onData)
      stdin.setRawMode?.(false)
      stdin.pause()
      io.stderr.write('\n')
    }
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004' || ch === '\u0003') {
          finish()
          if (ch === '\u0003') reject(new Error('cancelled'))
          else resolvePassword(value)
          return
        }
        value = ch === '\u007f' || ch === '\b' ? Array.from(value).slice(0, -1).join('') : value + ch
      }
    }
    stdin.setRawMode?.(true)
    stdin.on('data', onData)
    stdin.resume()
  })
}

/** An operator's email and password: typed at a terminal (the password unechoed), or two lines on a pipe. */
async function askCredentials(io: Io): Promise<{ email: string; password: string }> {
  if (io.stdin.isTTY && io.stdin.setRawMode) {
    const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream, terminal: true })
    const email = await new Promise<string>((answer) => rl.question('Operator email: ', answer))
    rl.close()
    return { email: email.trim(), password: await readSecret(io, 'Password: ') }
  }
  const rl = createInterface({ input: io.stdin, terminal: false })
  const lines = rl[Symbol.asyncIterator]()
  const email = await lines.next()
  const password = await lines.next()
  rl.close()
  if (email.done || password.done) throw new Error('no credentials: set FLIXPEEK_TOKEN, or give an email and a password on two lines of input')
  return { email: String(email.value).trim(), password: String(password.value) }
}

function reporter(out: Output): Reporter & { end(): void } {
  let dirty = false
  return {
    tty: Boolean(out.isTTY),
    status(text) {
      out.write(`\r\x1b[K${text}`)
      dirty = true
    },
    line(text) {
      out.write(`${dirty ? '\r\x1b[K' : ''}${text}\n`)
      dirty = false
    },
    end() {
      if (dirty) out.write('\n')
      dirty = false
    },
  }
}

export async function main(argv: string[], io: Io): Promise<number> {
  let args: ReturnType<typeof parse>
  try {
    args = parse(argv)
  } catch (error) {
    io.stderr.write(`video:add: ${(error as Error).message}\nRun npm run video:add -- --help for the options.\n`)
    return 2
  }
  if (args.help) {
    io.stdout.write(USAGE)
    return 0
  }
  const report = reporter(io.stdout)
  const api = { fetch: io.fetch, base: io.env.FLIXPEEK_URL || 'http://127.0.0.1:8787' }
  try {
    let token = io.env.FLIXPEEK_TOKEN
    let userId: string
    if (token) userId = await whoAmI({ ...api, token })
    else {
      const { email, password } = await askCredentials(io)
      ;({ token, userId } = await login(api, email, password))
    }
    await uploadVideo({
      ...api,
      token,
      userId,
      file: args.file,
      movieId: args.movieId,
      license: args.license!,
      credit: args.credit,
      label: args.label,
      subtitles: args.subtitles,
      wait: args.wait,
      timeoutSeconds: args.timeout,
      pollMs: io.pollMs,
      retryDelayMs: io.retryDelayMs,
      report,
    })
    report.end()
    return 0
  } catch (error) {
    report.end()
    io.stderr.write(`video:add: ${describeError(error)}\n`)
    return 1
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr })
}
