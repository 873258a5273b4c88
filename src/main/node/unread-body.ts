import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * A request whose answer is sent before its body was read (a 413 judged from Content-Length, a refusal before
 * parsing) keeps its connection usable. Without this, the unread bytes sat in front of the client's next request on
 * that kept-alive socket: the web stream the Request was built on pauses the socket once its queue is full and nobody
 * reads it any more, so @hono/node-server's own drain stalled, cut the socket after 500 ms, and the next request got
 * "socket hang up" (issue #41). Here, at most DRAIN_LIMIT declared bytes are read and discarded, and the connection
 * stays kept-alive; a larger or unknown-length (chunked) rest is not worth reading, so that answer says
 * `Connection: close` and the client opens a new connection for its next request.
 */
export const DRAIN_LIMIT = 8 * 1024 * 1024

/** A client that stops sending mid-body holds nothing else on its connection: it is cut after this. */
const DRAIN_IDLE_MS = 10_000

function hasBody(incoming: IncomingMessage): boolean {
  return incoming.headers['transfer-encoding'] !== undefined || Number(incoming.headers['content-length'] ?? 0) > 0
}

/** Whether the rest of the body can be drained: its whole length is declared and within DRAIN_LIMIT. */
function drainable(incoming: IncomingMessage): boolean {
  if (incoming.headers['transfer-encoding'] !== undefined) return false
  const length = Number(incoming.headers['content-length'])
  return Number.isSafeInteger(length) && length <= DRAIN_LIMIT
}

/** Reads and drops what is left of the body, so the parser reaches the connection's next request. */
function drain(incoming: IncomingMessage): void {
  // The Request's web stream is the only reader and its answer is sent: its listener (which pauses the socket
  // whenever its queue is full) goes, as Node's own dump of an unread body does.
  incoming.removeAllListeners('data')
  let left = DRAIN_LIMIT
  const socket = incoming.socket
  const idle = setTimeout(() => socket.destroy(), DRAIN_IDLE_MS)
  idle.unref()
  incoming.on('data', (chunk: Buffer) => {
    idle.refresh()
    left -= chunk.length
    if (left < 0) socket.destroy()
  })
  incoming.once('end', () => clearTimeout(idle))
  incoming.once('close', () => clearTimeout(idle))
  incoming.resume()
}

/** Installs the policy above on one request/response pair; call before anything writes the answer. */
export function settleUnreadBody(incoming: IncomingMessage, outgoing: ServerResponse): void {
  if (!hasBody(incoming)) return
  const writeHead = outgoing.writeHead
  // The decision has to be made before the headers go out: after them, `Connection` can no longer say close.
  outgoing.writeHead = function (this: ServerResponse, ...args: Parameters<ServerResponse['writeHead']>) {
    if (!incoming.complete && !drainable(incoming)) this.shouldKeepAlive = false
    return (writeHead as (...a: typeof args) => ServerResponse).apply(this, args)
  } as ServerResponse['writeHead']
  outgoing.once('finish', () => {
    if (!incoming.complete && !incoming.destroyed && outgoing.shouldKeepAlive) drain(incoming)
  })
}
