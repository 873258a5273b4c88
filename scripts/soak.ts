/**
 * `npm run soak`: a bounded load run against `npm start` on loopback (never a remote host).
 * 32 connections for 60 s (SOAK_CONNECTIONS, SOAK_SECONDS, at most 20,000 requests): anonymous
 * browsing, sign-ups, watchlist and review writes, each client with its own CF-Connecting-IP
 * (IPv4 in 198.51.100.0/24, IPv6 in separate /64s of 2001:db8::/32) so rate limits count per
 * client as they should. Reports 2xx/4xx/429/5xx apart, lost writes (acknowledged list adds
 * and reviews missing afterwards: must be 0), and each process's memory over time.
 * SOAK_URL points at a running app; otherwise it starts one (throwaway DATA_DIR) and stops it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDevStack, type DevStack } from './lib/dev-stack'
import { freePort } from './lib/processes'

const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 32)
const SECONDS = Math.min(Number(process.env.SOAK_SECONDS ?? 60), 600)
const MAX_REQUESTS = 20_000

interface Tally {
  '2xx': number
  '4xx': number
  '429': number
  '5xx': number
  errors: number
}

const clientIp = (n: number) => (n % 2 === 0 ? `198.51.100.${(n % 254) + 1}` : `2001:db8:${(n % 65535).toString(16)}::${n}`)

function rssKb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

/** Every process of the stack's process groups (workerd runs in wrangler's group), from /proc. */
function members(groups: number[]): { pid: number; name: string }[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
        const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
        return groups.includes(pgid) ? [{ pid: Number(entry), name }] : []
      } catch {
        return []
      }
    })
}

async function main(): Promise<void> {
  let stack: DevStack | undefined
  let dir: string | undefined
  let url = process.env.SOAK_URL
  if (url && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(url)) throw new Error('SOAK_URL must be a loopback URL')
  if (!url) {
    dir = mkdtempSync(join(tmpdir(), 'netflix-soak-'))
    console.log('Starting the app (npm start stack) for the soak…')
    stack = await startDevStack({ port: await freePort(), dataDir: join(dir, 'data'), devVarsPath: join(dir, '.dev.vars'), env: {} })
    url = stack.url
  }
  const groups = stack?.pids ?? []
  const tally: Tally = { '2xx': 0, '4xx': 0, '429': 0, '5xx': 0, errors: 0 }
  const acknowledged: { token: string; movieId: number; kind: 'list' | 'review' }[] = []
  const memory: { at: number; rss: Record<string, number> }[] = []
  const started = Date.now()
  const deadline = started + SECONDS * 1000
  let sent = 0

  const popular = (await (await fetch(`${url}/api/v1/movies/popular`)).json()) as { results: { id: number }[] }
  const films = popular.results.map((m) => m.id)

  const request = async (ip: string, path: string, init: RequestInit = {}): Promise<Response | undefined> => {
    sent++
    try {
      const res = await fetch(`${url}${path}`, { ...init, headers: { 'CF-Connecting-IP': ip, ...(init.headers ?? {}) }, signal: AbortSignal.timeout(30_000) })
      if (res.status === 429) tally['429']++
      else if (res.status >= 500) tally['5xx']++
      else if (res.status >= 400) tally['4xx']++
      else tally['2xx']++
      return res
    } catch {
      tally.errors++
      return undefined
    }
  }

  const client = async (n: number) => {
    const ip = clientIp(n)
    let token: string | undefined
    for (let i = 0; Date.now() < deadline && sent < MAX_REQUESTS; i++) {
      const film = films[(n + i) % films.length]!
      const step = i % 6
      if (step === 0 && !token) {
        const res = await request(ip, '/api/v1/auth/signup', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ email: `soak-${n}-${i}-${crypto.randomUUID().slice(0, 8)}@example.com`, password: 'correct horse battery' }),
        })
        if (res?.status === 201) token = ((await res.json()) as { token: string }).token
        else await res?.body?.cancel()
      } else if (step === 1 && token) {
        const res = await request(ip, `/api/v1/me/watchlist/${film}`, { method: 'PUT', headers: { Authorization: `Bearer ${token}` } })
        if (res?.ok) acknowledged.push({ token, movieId: film, kind: 'list' })
        await res?.body?.cancel()
      } else if (step === 2 && token) {
        const res = await request(ip, `/api/v1/movies/${film}/reviews`, {
          method: 'PUT',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ rating: 1 + (i % 10) }),
        })
        if (res?.ok) acknowledged.push({ token, movieId: film, kind: 'review' })
        await res?.body?.cancel()
      } else {
        const paths = ['/', `/movies/${film}`, '/api/v1/movies/popular', `/search?q=the`, `/api/v1/movies/${film}`]
        const res = await request(ip, paths[(n + i) % paths.length]!)
        await res?.body?.cancel()
      }
    }
  }

  const sampler = setInterval(() => {
    const rss: Record<string, number> = {}
    for (const { pid, name } of members(groups)) {
      const kb = rssKb(pid)
      if (kb) rss[`${name}#${pid}`] = Math.round(kb / 1024)
    }
    memory.push({ at: Math.round((Date.now() - started) / 1000), rss })
  }, 5000)
  try {
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, n) => client(n)))
  } finally {
    clearInterval(sampler)
  }

  // Lost writes: every acknowledged list add and review must be in the user's export afterwards.
  let lost = 0
  const exports = new Map<string, string>()
  for (const write of acknowledged) {
    if (!exports.has(write.token)) {
      const res = await fetch(`${url}/api/v1/me/export`, { headers: { Authorization: `Bearer ${write.token}`, 'CF-Connecting-IP': '127.0.0.1' } })
      exports.set(write.token, res.ok ? await res.text() : '{}')
    }
    const data = JSON.parse(exports.get(write.token)!) as Record<string, unknown>
    const section = JSON.stringify(write.kind === 'list' ? (data.watchlist ?? data.list) : data.reviews) ?? ''
    if (!new RegExp(`"(movie_)?id":${write.movieId}\\b`).test(section)) lost++
  }
  const elapsed = (Date.now() - started) / 1000
  console.log(JSON.stringify({ url, connections: CONNECTIONS, seconds: Math.round(elapsed), requests: sent, rps: Math.round(sent / elapsed), ...tally, acknowledged_writes: acknowledged.length, lost_writes: lost }, null, 2))
  console.log('memory (MB) over time:')
  for (const sample of memory) console.log(`  t+${sample.at}s ${JSON.stringify(sample.rss)}`)
  await stack?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
  if (lost > 0 || tally['5xx'] > 0) process.exitCode = 1
}

await main()
