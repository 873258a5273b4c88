/**
 * Unreachable data stores, for the film page's failure figures: a loopback port nobody listens on
 * (connections are refused at once) and a server that accepts connections and never answers.
 */
import { createServer, type Socket } from 'node:net'
import { freePort } from '../processes'

/** A loopback endpoint that refuses connections (free a moment ago, nothing listens on it). */
export async function refusedEndpoint(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`
}

export interface Blackhole {
  endpoint: string
  close(): Promise<void>
}

/** Accepts every connection and reads nothing back: requests to it hang until the client gives up. */
export async function startBlackhole(): Promise<Blackhole> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
    socket.resume()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
