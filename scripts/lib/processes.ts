/**
 * Child processes in their own process groups, stopped by PID (never by name: other
 * people on the machine run the same programs), plus port helpers.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'

export interface Child {
  readonly name: string
  readonly pid: number
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>
  hasExited(): boolean
  /** The last few KB of stdout+stderr, for error messages. */
  output(): string
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once the leader has exited. */
  stop(graceMs?: number): Promise<void>
}

export interface SpawnOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Copy the child's output to ours (prefixed lines are not needed: wrangler prints its own). */
  echo?: boolean
  onStdout?: (chunk: string) => void
}

const OUTPUT_TAIL = 8192

/** Groups we started that are still running: killed if this process exits without stopping them. */
const running = new Set<number>()
let exitHookInstalled = false
function trackGroup(pid: number) {
  running.add(pid)
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const group of running) signalGroup(group, 'SIGKILL')
  })
}

/** Stops every group this process started and has not stopped yet (for signal handlers). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...children.values()].map((child) => child.stop()))
}
const children = new Map<number, Child>()

export function spawnGroup(name: string, command: string, args: string[], options: SpawnOptions = {}): Child {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let tail = ''
  let done = false
  const record = (chunk: Buffer, stream: NodeJS.WriteStream) => {
    const text = chunk.toString()
    tail = (tail + text).slice(-OUTPUT_TAIL)
    if (options.echo) stream.write(text)
    return text
  }
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = record(chunk, process.stdout)
    options.onStdout?.(text)
  })
  child.stderr!.on('data', (chunk: Buffer) => record(chunk, process.stderr))
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (error) => {
      done = true
      tail += `\n${error.message}`
      resolve(-1)
    })
    child.once('exit', (code, signal) => {
      done = true
      resolve(code ?? signal ?? -1)
    })
  })
  const pid = child.pid ?? -1
  const handle: Child = {
    name,
    pid,
    exited,
    hasExited: () => done,
    output: () => tail,
    async stop(graceMs = 5000) {
      if (pid <= 0) return
      signalGroup(pid, 'SIGTERM')
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
      // The leader is gone; make sure nothing it started in its group (workerd, esbuild) outlives it.
      signalGroup(pid, 'SIGKILL')
      await groupGone(pid)
      running.delete(pid)
      children.delete(pid)
    },
  }
  if (pid > 0) {
    trackGroup(pid)
    children.set(pid, handle)
  }
  return handle
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal)
  } catch {
    // the group is already gone
  }
}

/** Resolves once no process is left in the group (or after `timeoutMs`, e.g. unreaped zombies). */
async function groupGone(pgid: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      process.kill(-pgid, 0)
    } catch {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** True while a process with this PID exists (zombies aside). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Where freePort looks: below the range Linux (32768–60999) and macOS (49152–65535) hand out for bind(0) and for
 * the local end of outgoing connections. A port the OS picked there could be taken, between our pick and the
 * server's bind, by one of the thousands of connections a test run opens, or handed to a concurrent bind(0)
 * ("Port … is already in use" from a stack started beside a busy suite); one picked here can only collide with
 * another pick in this range, one chance in ~12,000.
 */
const PICK_RANGE = { from: 20_000, to: 32_767 }

/**
 * The range split between `npm test`'s two halves (TEST_HALF, scripts/test.ts), which start their stacks side by side:
 * a pick in one can never be a pick in the other. One stack picks five ports before any is bound, so a process also
 * never hands out the same port twice (an e2e run once failed with "Port … is already in use" at its own start).
 */
function pickRange(half = process.env.TEST_HALF): { from: number; to: number } {
  const middle = Math.floor((PICK_RANGE.from + PICK_RANGE.to) / 2)
  if (half === 'server') return { from: PICK_RANGE.from, to: middle }
  if (half === 'browser') return { from: middle + 1, to: PICK_RANGE.to }
  return PICK_RANGE
}
const handedOut = new Set<number>()

/** A port that was free a moment ago on `host`, and not handed out before by this process. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const range = pickRange()
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = range.from + Math.floor(Math.random() * (range.to - range.from + 1))
    if (handedOut.has(port)) continue
    // Reserved before the check, so concurrent calls cannot both take it.
    handedOut.add(port)
    if (!(await isPortBusy(port, host))) return port
  }
  return osPickedPort(host)
}

function osPickedPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Whether something already listens on host:port (so we can say "port busy" before starting). */
export function isPortBusy(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(true))
    server.listen(port, host, () => server.close(() => resolve(false)))
  })
}

/**
 * Polls `probe` until it resolves true. Fails early when `child` exits, with its output,
 * and after `timeoutMs` otherwise.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  { child, timeoutMs = 60_000, intervalMs = 100 }: { child?: Child; timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child?.hasExited()) {
      throw new Error(`${what} exited before it was ready:\n${child.output().trim().split('\n').slice(-15).join('\n')}`)
    }
    if (await probe().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`${what} was not ready after ${timeoutMs / 1000}s`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** True when an HTTP server answers at `url` at all (any status). */
export async function answers(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) })
  await response.body?.cancel()
  return true
}
