/**
 * Single requests on fresh connections (workerd closes idle keep-alive sockets that a pooled
 * client would reuse between load runs), and the concurrent cold burst.
 */
import { createHash } from 'node:crypto'
import { request } from 'node:http'

export interface Probe {
  status: number
  /** Body length in bytes (no compression is asked for, so this is what goes on the wire). */
  bytes: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

export interface ProbeOptions {
  method?: string
  headers?: Record<string, string>
  body?: string
  timeoutMs?: number
}

export function probe(url: string, options: ProbeOptions = {}): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const buffer = Buffer.concat(chunks)
        resolve({ status: res.statusCode ?? 0, bytes: buffer.length, body: buffer.toString('utf8'), headers: res.headers })
      })
      res.on('error', reject)
    })
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(new Error(`no answer from ${url} within ${options.timeoutMs ?? 30_000} ms`)))
    req.on('error', reject)
    req.end(options.body)
  })
}

export interface BurstResult {
  requests: number
  /** How many answered, by status ("error" for a failed connection). */
  statuses: Record<string, number>
  /** Distinct response bodies among the 200s (1 = all identical). */
  distinctBodies: number
  /** The start of one answer per status other than 200, to say what went wrong. */
  otherSamples: Record<string, string>
  wallMs: number
}

/** `count` requests at once, each on its own connection; waits for all of them. */
export async function burst(url: string, count: number, headers: Record<string, string> = {}): Promise<BurstResult> {
  const started = performance.now()
  const outcomes = await Promise.all(
    Array.from({ length: count }, () =>
      probe(url, { headers, timeoutMs: 60_000 }).then(
        (answer) => ({ status: String(answer.status), digest: createHash('sha256').update(answer.body).digest('hex'), sample: answer.body.slice(0, 300) }),
        (error: Error) => ({ status: 'error', digest: '', sample: error.message }),
      ),
    ),
  )
  const statuses: Record<string, number> = {}
  const otherSamples: Record<string, string> = {}
  for (const { status, sample } of outcomes) {
    statuses[status] = (statuses[status] ?? 0) + 1
    if (status !== '200') otherSamples[status] ??= sample
  }
  const bodies = new Set(outcomes.filter((outcome) => outcome.status === '200').map((outcome) => outcome.digest))
  return { requests: count, statuses, distinctBodies: bodies.size, otherSamples, wallMs: Math.round(performance.now() - started) }
}
