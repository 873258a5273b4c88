/**
 * `node dist/server.js` (and `npm run start:node`): the app on Node. Configuration from environment
 * variables with the worker's names, plus PORT (default 8787), HOST (default 127.0.0.1) and the Node-only
 * TRUSTED_CLIENT_IP_HEADER and CRON_SCHEDULER. SIGTERM or SIGINT: graceful stop, then exit 0.
 */
import { ConfigError } from '../../config'
import { varsFromEnv } from './platform'
import { startNodeServer } from './server'

const vars = varsFromEnv(process.env)
const port = vars.PORT ? Number(vars.PORT) : 8787
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number (0-65535), got ${vars.PORT}`)
  process.exit(1)
}
try {
  const server = await startNodeServer({ vars, port, host: vars.HOST || '127.0.0.1' })
  console.log(`Flixpeek (Node ${process.versions.node}) listening on ${server.url}`)
  const stop = (signal: string) => {
    console.log(`${signal}: finishing in-flight requests and deferred work…`)
    void server.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed', error instanceof Error ? error.message : error)
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.once('SIGINT', () => stop('SIGINT'))
} catch (error) {
  const busy = (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
  console.error(error instanceof ConfigError ? error.message : busy ? `Port ${port} is already in use` : `start failed: ${error instanceof Error ? error.message : error}`)
  process.exit(1)
}
