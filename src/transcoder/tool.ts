import { spawn } from 'node:child_process'

/**
 * Running ffmpeg and ffprobe on files operators uploaded: the largest attack surface this product has. Each run is
 * its own process group (so a timeout kills whatever the tool started, not just the tool), reads nothing from stdin,
 * and runs as an unprivileged user when the transcoder itself is root (a developer's machine, CI): the container
 * image already runs it as a non-root user.
 */
export interface ToolRun {
  /** ffmpeg or ffprobe (FFMPEG / FFPROBE may name other binaries). */
  command: string
  args: string[]
  cwd: string
  /** Wall clock the run may take; then its process group is killed and the run rejects with ToolTimeoutError. */
  timeoutMs: number
  /** Called with each complete line ffmpeg's `-progress pipe:1` writes (key=value). */
  onStdoutLine?: (line: string) => void
  /** Collect stdout (ffprobe's JSON) instead of handing it out line by line. */
  collectStdout?: boolean
  /** Stops the run early (SIGTERM to the transcoder): the process group is killed. */
  signal?: AbortSignal
}

export class ToolTimeoutError extends Error {
  override name = 'ToolTimeoutError'
}

export class ToolFailedError extends Error {
  override name = 'ToolFailedError'
  constructor(
    readonly command: string,
    readonly exit: number | string,
    /** The end of what the tool wrote to stderr (never the file's own text: ffmpeg writes its errors, not the input). */
    readonly stderrTail: string,
  ) {
    super(`${command} exited with ${exit}: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}`)
  }
}

const STDERR_TAIL = 4000
const STDOUT_LIMIT = 16 * 1024 * 1024
/** nobody:nogroup on Debian: who runs the tools when the transcoder is root. */
export const UNPRIVILEGED = { uid: 65534, gid: 65534 }

/** Whether tools must drop to UNPRIVILEGED (the transcoder runs as root). */
export const runsAsRoot = (): boolean => process.getuid?.() === 0

export function runTool(run: ToolRun): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.command, run.args, {
      cwd: run.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // No inherited secrets: the tools get a bare environment.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
      ...(runsAsRoot() ? UNPRIVILEGED : {}),
    })
    let stdout = ''
    let pending = ''
    let stderr = ''
    let settled = false
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
    const finish = (error: Error | null) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      run.signal?.removeEventListener('abort', onAbort)
      if (error) reject(error)
      else resolve(stdout)
    }
    const timer = setTimeout(() => {
      killGroup()
      finish(new ToolTimeoutError(`${run.command} ran past ${Math.round(run.timeoutMs / 1000)} s`))
    }, run.timeoutMs)
    const onAbort = () => {
      killGroup()
      finish(new Error(`${run.command} stopped: the transcoder is shutting down`))
    }
    run.signal?.addEventListener('abort', onAbort, { once: true })
    if (run.signal?.aborted) onAbort()

    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString()
      if (run.collectStdout) {
        stdout += text
        if (stdout.length > STDOUT_LIMIT) {
          killGroup()
          finish(new ToolFailedError(run.command, 'too much output', ''))
        }
        return
      }
      pending += text
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) run.onStdoutLine?.(line.trim())
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL)
    })
    child.once('error', (error) => finish(error))
    child.once('close', (code, signal) => {
      if (code === 0) finish(null)
      else finish(new ToolFailedError(run.command, code ?? signal ?? -1, stderr))
    })
  })
}

/**
 * ffmpeg's `-progress pipe:1` lines into the fraction done: `out_time_us` (or `out_time_ms`, which despite its name
 * is also microseconds) against the source's duration; `progress=end` is 1.
 */
export function progressFrom(line: string, durationSeconds: number): number | null {
  if (line === 'progress=end') return 1
  const match = /^out_time_(?:us|ms)=(\d+)$/.exec(line)
  if (!match || durationSeconds <= 0) return null
  return Math.min(1, Number(match[1]) / 1e6 / durationSeconds)
}
