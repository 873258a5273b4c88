/** The machine and versions a run was measured on, the printed table and bench/results.json. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { dirname, resolve } from 'node:path'
import { ROOT } from '../dev-stack'

export interface RouteFigure {
  name: string
  label: string
  path: string
  signedIn: boolean
  status: number
  bytes: number
  requests: number
  seconds: number
  rps: number
  p50Ms: number
  p99Ms: number
  cpuMsPerRequest: number
  /** req/s as a fraction of the bare route's (1 = as fast). */
  ofBare: number | null
  non2xx: number
  errors: number
  /** 1-minute load average when this route's run started (other work on the machine shows here). */
  loadAverage1: number
}

export interface ColdBurstFigure {
  path: string
  requests: number
  statuses: Record<string, number>
  /** The start of one body per status other than 200. */
  otherSamples: Record<string, string>
  allOk: boolean
  identicalBodies: boolean
  upstreamDelayMs: number
  /** TMDB calls the burst caused, in all and for the resource itself. */
  upstreamCalls: number
  upstreamCallsForResource: number
  wallMs: number
}

export interface Results {
  generatedAt: string
  machine: { cpuModel: string; cores: number; memoryBytes: number; loadAverage: { start: number[]; end: number[] } }
  versions: Record<string, string>
  settings: { durationSeconds: number; connections: number; loadGenerator: string; routesFilter: string | null }
  routes: RouteFigure[]
  coldBurst: ColdBurstFigure | null
}

const version = (pkg: string) => (JSON.parse(readFileSync(resolve(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version

export function machine(): Omit<Results['machine'], 'loadAverage'> {
  return { cpuModel: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryBytes: totalmem() }
}

export function versions(): Record<string, string> {
  return { node: process.versions.node, wrangler: version('wrangler'), workerd: version('workerd'), miniflare: version('miniflare'), hono: version('hono') }
}

export const loadAverage = () => loadavg().map((n) => Math.round(n * 100) / 100)

export function writeResults(path: string, results: object): string {
  const file = resolve(ROOT, path)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  return file
}

const thousands = (n: number) => Math.round(n).toLocaleString('en-US')
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : thousands(n)) : '–')

/** A Markdown table like the one in issue 15, plus CPU per request. */
export function table(routes: RouteFigure[]): string {
  const lines = [
    '| route | status | bytes | req/s | p50 ms | p99 ms | CPU ms/req | of bare route | errors |',
    '|---|---|---|---|---|---|---|---|---|',
  ]
  for (const r of routes) {
    const ratio = r.ofBare === null ? '–' : `${Math.round(r.ofBare * 100)} %`
    const cpu = Number.isFinite(r.cpuMsPerRequest) ? r.cpuMsPerRequest.toFixed(2) : '–'
    if (r.status === 0 && r.requests === 0) {
      lines.push(`| ${r.label} | no answer in 15 s | – | 0 | – | – | – | 0 % | all |`)
      continue
    }
    lines.push(`| ${r.label} | ${r.status} | ${thousands(r.bytes)} | ${thousands(r.rps)} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${cpu} | ${ratio} | ${r.non2xx + r.errors} |`)
  }
  return lines.join('\n')
}

export function burstLine(burst: ColdBurstFigure): string {
  const statuses = Object.entries(burst.statuses).map(([status, n]) => `${n} × ${status}`).join(', ')
  return (
    `cold burst: ${burst.requests} concurrent GET ${burst.path} against a TMDB answering in ${burst.upstreamDelayMs} ms: ` +
    `${statuses}; bodies ${burst.identicalBodies ? 'identical' : 'DIFFER'}; ` +
    `${burst.upstreamCallsForResource} upstream call(s) for the resource, ${burst.upstreamCalls} in all; ${thousands(burst.wallMs)} ms`
  )
}
