/**
 * The bundled worker on workerd through the project's own Miniflare, with no dev proxy in front:
 * requests go Miniflare's entry worker -> our worker, all inside one workerd process whose CPU
 * time we read from /proc. The bare Hono app runs in the same workerd, reached by its own host.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { execFileSync } from 'node:child_process'
import type { Readable } from 'node:stream'
import { Miniflare, type WorkerOptions } from 'miniflare'
import type { WorkerBundle } from './bundle'

/** Requests with this Host header reach the bare Hono app instead of the worker. */
export const BARE_HOST = 'bare.bench'

export interface Runtime {
  url: string
  /** The worker's inspector (DevTools protocol) WebSocket, when started with `inspect`. */
  inspectorUrl?: string
  /** PID of the workerd process serving this instance. */
  workerdPid: number
  /** Miniflare itself (workerd instances only): to fill a bound R2 bucket before a run. */
  miniflare?: Miniflare
  dispose(): Promise<void>
}

export interface RuntimeOptions {
  bundle: WorkerBundle
  bindings: Record<string, string>
  compatibilityDate: string
  /** Path of the bundled bare Hono app, to serve beside the worker. */
  bareScript?: string
  /** Open the worker's inspector on this port (for CPU profiles). */
  inspectorPort?: number
  /** R2 buckets bound to both the worker and the bare app (binding name → bucket), e.g. the media store. */
  r2Buckets?: Record<string, string>
}

function childrenOf(pid: number): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[1]) === pid && stat.includes('(workerd)')) found.push(Number(entry))
    } catch {
      // the process ended while we looked
    }
  }
  return found
}

let clockTicks: number | undefined
/** CPU time (user + system) a process has used so far, in milliseconds. */
export function cpuMs(pid: number): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after "(comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const before = new Set(childrenOf(process.pid))
  const app: WorkerOptions = {
    name: 'app',
    compatibilityDate: options.compatibilityDate,
    modulesRoot: options.bundle.dir,
    modules: [
      { type: 'ESModule', path: options.bundle.main },
      ...options.bundle.wasm.map((path) => ({ type: 'CompiledWasm' as const, path })),
    ],
    kvNamespaces: ['TMDB_CACHE'],
    r2Buckets: options.r2Buckets ?? {},
    bindings: options.bindings,
    // unsafeInspectorProxy stays off: Miniflare's proxy drops CDP sessions here; workerd's own inspector works.
  }
  const workers: WorkerOptions[] = [app]
  if (options.bareScript) {
    workers.push({
      name: 'bare',
      compatibilityDate: options.compatibilityDate,
      modulesRoot: options.bundle.dir,
      modules: [{ type: 'ESModule', path: options.bareScript, contents: readFileSync(options.bareScript, 'utf8') }],
      routes: [`${BARE_HOST}/*`],
      r2Buckets: options.r2Buckets ?? {},
    })
  }
  const mf = new Miniflare({
    workers,
    host: '127.0.0.1',
    port: 0,
    cf: false,
    ...(options.inspectorPort !== undefined ? { inspectorPort: options.inspectorPort } : {}),
    // The worker logs every failed data-store call (thousands under the failure scenarios): drop
    // its output unless BENCH_VERBOSE asks for it, so the table stays readable.
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      if (process.env.BENCH_VERBOSE) {
        stdout.pipe(process.stderr)
        stderr.pipe(process.stderr)
      } else {
        stdout.resume()
        stderr.resume()
      }
    },
  })
  let url: URL
  try {
    url = await mf.ready
  } catch (error) {
    await mf.dispose().catch(() => {})
    throw error
  }
  const fresh = childrenOf(process.pid).filter((pid) => !before.has(pid))
  if (fresh.length !== 1) {
    await mf.dispose()
    throw new Error(`expected one new workerd process under Miniflare, found ${fresh.length} (${basename(options.bundle.main)})`)
  }
  // workerd's own inspector names the worker `core:user:<name>`.
  const inspectorUrl = options.inspectorPort !== undefined ? `ws://127.0.0.1:${options.inspectorPort}/core:user:app` : undefined
  return { url: url.origin, inspectorUrl, workerdPid: fresh[0]!, miniflare: mf, dispose: () => mf.dispose() }
}
