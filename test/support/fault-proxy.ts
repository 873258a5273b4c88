/**
 * A loopback HTTP proxy that stands between the worker and a local AWS stand-in (DynamoDB Local,
 * fauxqs for SNS and SQS) and misbehaves on purpose: per request (a queue of faults for the next requests) or
 * by probability from a seeded generator, so a run is repeatable. Driven over HTTP
 * (`POST /__fault` with a FaultPlan, `POST /__fault/heal`, `GET /__fault/stats`), from any runtime the tests run
 * in. One proxy per service, so a test can take SNS down and leave SQS and DynamoDB alone; the fault suites start
 * their own (test/app/faults-support.ts).
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
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

/** Which service and operation a request is: the JSON protocols name it in x-amz-target, SNS's query protocol in the body. */
function operationOf(headers: IncomingHttpHeaders, body: Buffer): { service: 'dynamodb' | 'sqs' | 'sns'; operation: string } {
  const target = String(headers['x-amz-target'] ?? '')
  if (target.startsWith('AmazonSQS.')) return { service: 'sqs', operation: target.slice('AmazonSQS.'.length) }
  if (target) return { service: 'dynamodb', operation: target.slice(target.indexOf('.') + 1) }
  return { service: 'sns', operation: new URLSearchParams(body.toString()).get('Action') ?? '' }
}

/** Each service's own error types for a fault, so its client reads them as the real service's (retryable) errors. */
const ERROR_TYPES = {
  dynamodb: { throughput: 'ProvisionedThroughputExceededException', throttling: 'ThrottlingException', error500: 'InternalServerError' },
  sqs: { throughput: 'RequestThrottled', throttling: 'ThrottlingException', error500: 'InternalFailure' },
  sns: { throughput: 'Throttling', throttling: 'Throttling', error500: 'InternalError' },
} as const

function awsError(res: ServerResponse, service: keyof typeof ERROR_TYPES, fault: keyof (typeof ERROR_TYPES)['sns']): void {
  const type = ERROR_TYPES[service][fault]
  const status = fault === 'error500' ? 500 : 400
  const [contentType, body] =
    service === 'sns'
      ? ['text/xml', `<ErrorResponse><Error><Type>${status === 500 ? 'Receiver' : 'Sender'}</Type><Code>${type}</Code><Message>injected ${type}</Message></Error></ErrorResponse>`]
      : ['application/x-amz-json-1.0', JSON.stringify({ __type: `${service === 'sqs' ? 'com.amazonaws.sqs' : 'com.amazonaws.dynamodb.v20120810'}#${type}`, message: `injected ${type}` })]
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

/** Hop-by-hop headers describe the upstream connection, not the answer: the proxy re-sends the body with a length of its own. */
const HOP_BY_HOP = new Set(['transfer-encoding', 'connection', 'keep-alive', 'content-length'])

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target)
  let next: Fault[] = []
  let random: { p: number; faults: Fault[]; draw: () => number } | undefined
  let only: Set<string> | undefined
  const stats: Record<string, number> = {}
  const held = new Set<Socket>()

  const choose = (operation: string): Fault => {
    if (only && !only.has(operation)) return 'pass'
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
          // A chunked upstream answer (DynamoDB Local's larger ones) forwarded with its Transfer-Encoding beside the
          // Content-Length below is malformed HTTP: every large answer failed, and an erasure through the proxy always did.
          const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)))
          res.writeHead(answer.statusCode ?? 502, { ...headers, 'content-length': String(full.length) })
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
      only = undefined
      for (const socket of held) socket.destroy()
      held.clear()
      return void res.end('{}')
    }
    const plan = JSON.parse(body.toString() || '{}') as FaultPlan
    next = [...(plan.next ?? [])]
    random = plan.random ? { p: plan.random.p, faults: plan.random.faults, draw: seeded(plan.random.seed) } : undefined
    only = plan.only ? new Set(plan.only) : undefined
    res.end('{}')
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      if (req.url?.startsWith('/__fault')) return void control(req, res, body)
      // The fault is chosen once the body is in: SNS names its operation there. Refused or blackholed after the
      // request was sent is what the caller sees of a reset or silent connection anyway.
      const { service, operation } = operationOf(req.headers, body)
      const fault = choose(operation)
      stats[label(fault)] = (stats[label(fault)] ?? 0) + 1
      if (fault === 'refuse') return void req.socket.destroy()
      if (fault === 'blackhole') {
        held.add(req.socket)
        req.socket.once('close', () => held.delete(req.socket))
        return
      }
      if (fault === 'throughput' || fault === 'throttling' || fault === 'error500') return awsError(res, service, fault)
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
