/**
 * A loopback HTTP proxy that stands between the worker and a local AWS stand-in (DynamoDB Local,
 * fauxqs) and misbehaves on purpose: per request (a queue of faults for the next requests) or
 * by probability from a seeded generator, so a run is repeatable. Driven over HTTP
 * (`POST /__fault` with a FaultPlan, `POST /__fault/heal`, `GET /__fault/stats`), since the worker
 * tests run inside workerd and reach it as any other loopback server.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Fault, FaultPlan } from './fault-plan'

export type { Fault, FaultPlan } from './fault-plan'

export interface FaultProxy {
  url: string
  controlUrl: string
  stop(): Promise<void>
}

/** mulberry32: a tiny seeded PRNG (repeatable runs). */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const label = (fault: Fault) => (typeof fault === 'string' ? fault : 'delay')

function awsError(res: ServerResponse, status: number, type: string): void {
  const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `injected ${type}` })
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target)
  let next: Fault[] = []
  let random: { p: number; faults: Fault[]; draw: () => number } | undefined
  const stats: Record<string, number> = {}
  const held = new Set<Socket>()

  const choose = (): Fault => {
    const queued = next.shift()
    if (queued) return queued
    if (random && random.draw() < random.p) return random.faults[Math.floor(random.draw() * random.faults.length)]!
    return 'pass'
  }

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, fault: Fault) => {
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = []
        answer.on('data', (chunk: Buffer) => chunks.push(chunk))
        answer.on('end', () => {
          const full = Buffer.concat(chunks)
          res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'content-length': String(full.length) })
          if (fault === 'drop') {
            // Half the answer, then the connection dies: the caller cannot tell whether the write happened.
            res.write(full.subarray(0, Math.floor(full.length / 2)))
            setTimeout(() => req.socket.destroy(), 5)
            return
          }
          res.end(full)
        })
      },
    )
    out.on('error', () => req.socket.destroy())
    out.end(body)
  }

  const control = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    if (req.url === '/__fault/stats') return void res.end(JSON.stringify(stats))
    if (req.url === '/__fault/heal') {
      next = []
      random = undefined
      for (const socket of held) socket.destroy()
      held.clear()
      return void res.end('{}')
    }
    const plan = JSON.parse(body.toString() || '{}') as FaultPlan
    next = [...(plan.next ?? [])]
    random = plan.random ? { p: plan.random.p, faults: plan.random.faults, draw: seeded(plan.random.seed) } : undefined
    res.end('{}')
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    if (req.url?.startsWith('/__fault')) {
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => void control(req, res, Buffer.concat(chunks)))
      return
    }
    const fault = choose()
    stats[label(fault)] = (stats[label(fault)] ?? 0) + 1
    if (fault === 'refuse') return void req.socket.destroy()
    if (fault === 'blackhole') {
      held.add(req.socket)
      req.socket.once('close', () => held.delete(req.socket))
      return
    }
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      if (fault === 'throughput') return awsError(res, 400, 'ProvisionedThroughputExceededException')
      if (fault === 'throttling') return awsError(res, 400, 'ThrottlingException')
      if (fault === 'error500') return awsError(res, 500, 'InternalServerError')
      if (typeof fault === 'object') return void setTimeout(() => forward(req, body, res, 'pass'), fault.delayMs)
      forward(req, body, res, fault)
    })
  })
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    controlUrl: `${url}/__fault`,
    stop: async () => {
      for (const socket of held) socket.destroy()
      server.closeAllConnections()
      await new Promise((done) => server.close(done))
    },
  }
}
