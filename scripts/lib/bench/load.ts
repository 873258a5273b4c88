/**
 * Fixed-concurrency load for a fixed time: wrk when installed (it costs the machine far less CPU
 * than a Node client), else a small keep-alive Node load generator. Both report req/s and latency
 * percentiles over the same window.
 */
import { spawnSync } from 'node:child_process'
import { Agent, request } from 'node:http'
import { spawnGroup } from '../processes'

export interface LoadResult {
  requests: number
  seconds: number
  rps: number
  p50Ms: number
  p99Ms: number
  /** Answers outside 2xx/3xx. */
  non2xx: number
  /** Connection errors and timeouts. */
  errors: number
}

export interface LoadOptions {
  url: string
  headers: Record<string, string>
  connections: number
  seconds: number
  /** Per-request timeout; a request still waiting then counts as an error. */
  timeoutS?: number
}

export type LoadGenerator = 'wrk' | 'node'

export function pickGenerator(): LoadGenerator {
  if (process.env.BENCH_LOADGEN === 'node') return 'node'
  const probe = spawnSync('wrk', ['--version'], { stdio: 'ignore' })
  // wrk --version prints usage and exits 1; only a missing binary sets `error`.
  return probe.error ? 'node' : 'wrk'
}

export function runLoad(generator: LoadGenerator, options: LoadOptions): Promise<LoadResult> {
  return generator === 'wrk' ? runWrk(options) : runNodeLoad(options)
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 }
function durationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text)
  if (!match) throw new Error(`unexpected wrk duration "${text}"`)
  return Number(match[1]) * UNIT_MS[match[2]!]!
}

/** Parses `wrk --latency` output. */
export function parseWrk(output: string, seconds: number): LoadResult {
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(output)
    return match ? durationMs(match[1]!) : NaN
  }
  const total = /(\d+) requests in ([\d.]+)(\w+),/.exec(output)
  if (!total) throw new Error(`could not read wrk's output:\n${output}`)
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output)
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output)
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output)
  const elapsed = durationMs(`${total[2]}${total[3]}`) / 1000 || seconds
  return {
    requests: Number(total[1]),
    seconds: elapsed,
    rps: rps ? Number(rps[1]) : Number(total[1]) / elapsed,
    p50Ms: percentile('50'),
    p99Ms: percentile('99'),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    errors: errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  }
}

async function runWrk(options: LoadOptions): Promise<LoadResult> {
  const threads = Math.max(1, Math.min(2, options.connections))
  const args = [
    `-t${threads}`, `-c${options.connections}`, `-d${options.seconds}s`, `--timeout`, `${options.timeoutS ?? 5}s`, '--latency',
    ...Object.entries(options.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    options.url,
  ]
  let stdout = ''
  const wrk = spawnGroup('wrk', 'wrk', args, { onStdout: (chunk) => (stdout += chunk) })
  const code = await wrk.exited
  if (code !== 0) throw new Error(`wrk failed (${code}): ${wrk.output()}`)
  return parseWrk(stdout, options.seconds)
}

/** The fallback: `connections` loops on a keep-alive agent, each sending its next request when the last ends. */
async function runNodeLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections })
  const latencies: number[] = []
  let non2xx = 0
  let errors = 0
  const started = performance.now()
  const deadline = started + options.seconds * 1000
  const one = () =>
    new Promise<void>((resolve) => {
      const sent = performance.now()
      const req = request(options.url, { agent, headers: options.headers }, (res) => {
        res.resume()
        res.on('end', () => {
          latencies.push(performance.now() - sent)
          if ((res.statusCode ?? 0) >= 400) non2xx += 1
          resolve()
        })
      })
      req.setTimeout((options.timeoutS ?? 5) * 1000, () => req.destroy(new Error('timeout')))
      req.on('error', () => {
        errors += 1
        resolve()
      })
      req.end()
    })
  const loop = async () => {
    while (performance.now() < deadline) await one()
  }
  await Promise.all(Array.from({ length: options.connections }, loop))
  agent.destroy()
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! : NaN)
  return { requests: latencies.length, seconds, rps: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99), non2xx, errors }
}
