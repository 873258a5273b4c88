import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener, type HttpBindings } from '@hono/node-server'
import { createApp } from '../../app'
import { parseConfig, type Config } from '../../config'
import { createServices } from '../../services'
import { clientAddressFrom, privatePeerWarning } from './client-address'
import { runCron, startCronScheduler, type CronScheduler } from './cron-runner'
import { nodeRuntime, type NodeRuntime } from './platform'
import { misdirected, PROBE_PATHS, publicSite, siteTarget } from './public-site'
import { settleUnreadBody } from './unread-body'

/**
 * The app on Node's HTTP server: public/ first (as Workers' assets layer is), then the one Hono app
 * with the Node platform; the in-process cron scheduler unless CRON_SCHEDULER=off; `/__scheduled`
 * (wrangler's route for firing a cron by hand) only when ENVIRONMENT=development. In production the site is
 * PUBLIC_URL's: other hosts get 421, and the app sees PUBLIC_URL's origin (src/main/node/public-site.ts). `shutdown()`
 * is graceful: stop accepting, let in-flight requests, running jobs and deferred work finish.
 */
export interface NodeServerOptions {
  vars: Record<string, string>
  port: number
  host: string
  publicDir?: string
}

export interface NodeServer {
  readonly url: string
  readonly port: number
  readonly server: Server
  readonly runtime: NodeRuntime
  shutdown(): Promise<void>
}

/** Past this, connections still open at shutdown are cut (Kubernetes' default grace period is 30 s). */
const SHUTDOWN_GRACE_MS = 20_000

function scheduledRoute(url: URL, run: (cron: string, occurrence?: number) => ReturnType<typeof runCron>) {
  return async () => {
    const cron = url.searchParams.get('cron') ?? ''
    // As wrangler's: `time` says which scheduled time this run stands for (then it counts as that occurrence).
    const time = Number(url.searchParams.get('time'))
    const occurrence = url.searchParams.has('time') && Number.isFinite(time) ? Math.floor(time / 60_000) * 60_000 : undefined
    const outcome = await run(cron, occurrence)
    const status = outcome.status === 'unknown' ? 404 : outcome.status === 'failed' ? 500 : 200
    return Response.json(outcome, { status })
  }
}

export async function startNodeServer(options: NodeServerOptions): Promise<NodeServer> {
  const config: Config = parseConfig(options.vars)
  const runtime = nodeRuntime(options.vars, config, options.publicDir ? { publicDir: options.publicDir } : {})
  const { platform, assets, deferred, lease } = runtime
  const trustedHeader = options.vars.TRUSTED_CLIENT_IP_HEADER?.trim() || undefined
  const app = createApp()
  const runJob = async (cron: string, occurrence?: number) => {
    const outcome = await runCron(cron, { lease, services: () => createServices({ config, platform }), ...(occurrence === undefined ? {} : { occurrence }) })
    console.log(JSON.stringify({ cron: outcome }))
    return outcome
  }
  const development = config.ENVIRONMENT === 'development'
  const site = publicSite(config)
  const checkPeer = privatePeerWarning({ production: config.isProduction, trustedHeader })

  // autoCleanupIncoming off: its drain of an unread body stalls and then cuts a kept-alive connection;
  // settleUnreadBody() below replaces it.
  const listener = getRequestListener(async (request, env) => {
    const asset = assets.match(request)
    if (asset) return asset
    const url = new URL(request.url)
    if (development && url.pathname === '/__scheduled') return scheduledRoute(url, runJob)()
    const incoming = (env as HttpBindings).incoming as IncomingMessage
    const peer = incoming.socket.remoteAddress
    if (!PROBE_PATHS.has(url.pathname)) checkPeer(peer)
    return app.fetch(request, { platform: { ...platform, clientAddress: (req: Request) => clientAddressFrom(req, peer, trustedHeader) } })
  }, { autoCleanupIncoming: false })
  const server = createServer((incoming, outgoing) => {
    settleUnreadBody(incoming, outgoing)
    if (site) {
      const target = siteTarget(incoming.url ?? '/', incoming.headers.host, site)
      if (target === null) {
        const answer = misdirected()
        outgoing.writeHead(answer.status, answer.headers).end(answer.body)
        return
      }
      // An absolute target: @hono/node-server then builds the request URL from it, not from the socket and Host.
      incoming.url = target
    }
    void listener(incoming, outgoing)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  const scheduler: CronScheduler | undefined = options.vars.CRON_SCHEDULER === 'off' ? undefined : startCronScheduler((cron, occurrence) => runJob(cron, occurrence))

  let stopping: Promise<void> | undefined
  const shutdown = () =>
    (stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // Keep-alive connections with no request in flight are closed now and as each in-flight response finishes.
      const idle = setInterval(() => server.closeIdleConnections(), 50)
      const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS)
      server.closeIdleConnections()
      await Promise.all([closed, scheduler?.stop()])
      clearInterval(idle)
      clearTimeout(cut)
      await deferred.settled()
    })())
  return { url, port, server, runtime, shutdown }
}
