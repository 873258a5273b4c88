/**
 * A V8 CPU profile of the worker inside workerd, over the inspector Miniflare exposes, summed by
 * function (self and inclusive time) and by source module: where a route's CPU time goes.
 */
import { readFileSync } from 'node:fs'
import { WebSocket } from 'undici'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

/** Starts the sampling profiler on an inspector target; call the returned function to stop and get the profile. */
export async function startProfiler(webSocketUrl: string, intervalUs = 200): Promise<() => Promise<CpuProfile>> {
  const socket = new WebSocket(webSocketUrl)
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true })
    socket.addEventListener('error', () => reject(new Error(`cannot reach the inspector at ${webSocketUrl}`)), { once: true })
  })
  let nextId = 1
  const pending = new Map<number, (result: unknown) => void>()
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown }
    if (message.id !== undefined) pending.get(message.id)?.(message.result)
  })
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++
      pending.set(id, resolve)
      socket.send(JSON.stringify({ id, method, params }))
    })
  await send('Profiler.enable')
  await send('Profiler.setSamplingInterval', { interval: intervalUs })
  await send('Profiler.start')
  return async () => {
    const { profile } = (await send('Profiler.stop')) as { profile: CpuProfile }
    socket.close()
    return profile
  }
}

/** Maps a line of the bundle to the module esbuild put there (it writes `// path` before each one). */
export function moduleIndex(bundlePath: string): (line: number) => string {
  const starts: { line: number; module: string }[] = []
  readFileSync(bundlePath, 'utf8').split('\n').forEach((text, index) => {
    const match = /^\/\/ ((?:src|views|node_modules)\/\S+)$/.exec(text)
    if (match) starts.push({ line: index, module: match[1]! })
  })
  return (line) => {
    let found = '(bundle prologue)'
    for (const start of starts) {
      if (start.line > line) break
      found = start.module
    }
    return found
  }
}

export interface ProfileSummary {
  sampledMs: number
  /** [name, ms, share of sampled time] */
  selfByFunction: [string, number, number][]
  inclusiveByFunction: [string, number, number][]
  selfByModule: [string, number, number][]
}

export function summarize(profile: CpuProfile, moduleOf: (line: number) => string, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const label = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame
    const where = /\/(index|worker)\.js$/.test(url) ? moduleOf(lineNumber) : url || 'native'
    return `${functionName || '(anonymous)'} · ${where}`
  }
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  const modules = new Map<string, number>()
  let total = 0
  profile.samples.forEach((sample, index) => {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000
    const node = byId.get(sample)
    if (!node) return
    const name = label(node)
    if (name.startsWith('(idle)') || name.startsWith('(program)')) return
    total += ms
    self.set(name, (self.get(name) ?? 0) + ms)
    const module = name.split(' · ')[1]!
    modules.set(module, (modules.get(module) ?? 0) + ms)
    const seen = new Set<string>()
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const key = label(byId.get(id)!)
      if (seen.has(key)) continue
      seen.add(key)
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms)
    }
  })
  const ranked = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]): [string, number, number] => [name, Math.round(ms), ms / total])
  return { sampledMs: Math.round(total), selfByFunction: ranked(self), inclusiveByFunction: ranked(inclusive), selfByModule: ranked(modules) }
}
