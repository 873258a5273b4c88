/**
 * A slow link in front of the app, for `npm run bench:media`'s start-up times: every answer's bytes leave through one
 * token bucket shared by all connections (the viewer's one line), and every request waits a round trip (half before
 * it reaches the app, half before its answer starts), plus one more on a fresh connection (TCP's handshake).
 * Requests go up unthrottled (a player's are a few hundred bytes). It also counts what it delivered and the app's
 * `X-Media-Cache` answers, and can serve one page of its own (the bench's player page) on the app's origin.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

export interface Link {
  /** Bits per second, downstream. */
  bitsPerSecond: number
  /** Round-trip time in milliseconds. */
  rttMs: number
  /** The bucket's depth: bytes that may leave at once after a quiet moment. */
  burstBytes: number
}

export interface ThrottledProxy {
  url: string
  /** Bytes delivered to the browser so far (bodies only). */
  delivered(): number
  /** How many answers said each X-Media-Cache value. */
  cacheAnswers(): Record<string, number>
  close(): Promise<void>
}

const CHUNK = 16 * 1024
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A token bucket taken in FIFO order: a chunk waits for the tokens of every chunk queued before it. */
function tokenBucket(bytesPerSecond: number, burst: number): (bytes: number) => Promise<void> {
  let tokens = burst
  let refilledAt = performance.now()
  let queue: Promise<void> = Promise.resolve()
  const take = async (bytes: number) => {
    for (;;) {
      const now = performance.now()
      tokens = Math.min(burst, tokens + ((now - refilledAt) / 1000) * bytesPerSecond)
      refilledAt = now
      if (tokens >= bytes) {
        tokens -= bytes
        return
      }
      await sleep(Math.max(1, ((bytes - tokens) / bytesPerSecond) * 1000))
    }
  }
  return (bytes) => (queue = queue.then(() => take(bytes)))
}

export async function startThrottledProxy(target: string, link: Link, ownPage?: { path: string; html: string }): Promise<ThrottledProxy> {
  const origin = new URL(target)
  const take = tokenBucket(link.bitsPerSecond / 8, Math.max(link.burstBytes, CHUNK))
  const fresh = new WeakSet<Socket>()
  const sockets = new Set<Socket>()
  let delivered = 0
  const cache: Record<string, number> = {}

  const relay = async (req: IncomingMessage, res: ServerResponse) => {
    const handshake = fresh.has(req.socket) ? link.rttMs : 0
    fresh.delete(req.socket)
    await sleep(handshake + link.rttMs / 2)
    if (ownPage && req.url === ownPage.path) {
      await sleep(link.rttMs / 2)
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(ownPage.html)
      return
    }
    const upstream = request({ host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers: { ...req.headers, host: origin.host } })
    req.pipe(upstream)
    upstream.on('error', () => res.destroy())
    upstream.on('response', async (answer) => {
      const said = answer.headers['x-media-cache']
      if (typeof said === 'string') cache[said] = (cache[said] ?? 0) + 1
      await sleep(link.rttMs / 2)
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      try {
        for await (const piece of answer as AsyncIterable<Buffer>) {
          for (let at = 0; at < piece.length; at += CHUNK) {
            const chunk = piece.subarray(at, at + CHUNK)
            await take(chunk.length)
            if (res.destroyed) return
            delivered += chunk.length
            res.write(chunk)
          }
        }
        res.end()
      } catch {
        res.destroy()
      }
    })
  }

  const server = createServer((req, res) => void relay(req, res))
  server.on('connection', (socket) => {
    fresh.add(socket)
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    delivered: () => delivered,
    cacheAnswers: () => ({ ...cache }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
