/**
 * The Node runtime for the bench: the server as `npm run build:node` ships it (dist/server.js, built here
 * into a scratch folder under node_modules/.cache so its packages resolve), one process whose CPU time
 * is read from /proc like workerd's. No page-cache store behind it: its pages are kept by the app's
 * in-process tier, as on Node in production.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { buildNode } from '../../build-node'
import { ROOT } from '../dev-stack'
import { freePort, spawnGroup, waitUntil } from '../processes'
import type { Runtime } from './runtime'

export async function startNodeRuntime(bindings: Record<string, string>): Promise<Runtime> {
  const outdir = join(ROOT, 'node_modules', '.cache', `bench-node-${process.pid}`)
  await buildNode(outdir, ['server'])
  const port = await freePort()
  const child = spawnGroup('node server (bench)', process.execPath, [join(outdir, 'server.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...bindings, PORT: String(port), HOST: '127.0.0.1', CRON_SCHEDULER: 'off' },
    echo: Boolean(process.env.BENCH_VERBOSE),
  })
  const url = `http://127.0.0.1:${port}`
  const dispose = async () => {
    await child.stop()
    rmSync(outdir, { recursive: true, force: true })
  }
  try {
    await waitUntil('the Node server', async () => (await fetch(`${url}/livez`)).ok, { child, timeoutMs: 60_000 })
  } catch (error) {
    await dispose()
    throw error
  }
  // Runtime's field names the serving process; here it is Node's.
  return { url, workerdPid: child.pid, dispose }
}
