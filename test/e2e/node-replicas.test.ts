import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { buildNode } from '../../scripts/build-node'
import { parseConfig } from '../../src/config'
import { DynamoDb } from '../../src/aws/dynamodb'
import { OUTBOX_SHARDS } from '../../src/events/outbox'
import { ROOT } from '../../scripts/lib/dev-stack'
import { WORKER_VARS } from '../../scripts/lib/dev-vars'
import { freePort, spawnGroup, waitUntil, type Child } from '../../scripts/lib/processes'
import { client, signUp } from '../support/blackbox'
import { startFakeTmdb, type FakeTmdb } from '../support/fake-tmdb'
import { waitForNodeStack } from '../support/global-node'

/**
 * Node replicas as a cluster runs them: the built server (`npm run build:node` → dist/server.js, here into a
 * scratch folder) started several times on different ports, sharing the DynamoDB Local of the
 * `npm run start:node` stack (test/support/global-node.ts).
 */
const OUT = join(ROOT, 'node_modules', '.cache', `node-dist-${process.pid}`)
const TENANT = `replicas-${process.pid}`
let fake: FakeTmdb
let stackVars: Record<string, string>
const servers: Child[] = []

interface Replica {
  url: string
  child: Child
}

async function startReplica(extra: Record<string, string> = {}): Promise<Replica> {
  const port = await freePort()
  const shell = Object.fromEntries(Object.entries(process.env).filter(([name]) => !(WORKER_VARS as readonly string[]).includes(name)))
  const child = spawnGroup('node replica', process.execPath, [join(OUT, 'server.js')], {
    cwd: ROOT,
    env: { ...shell, ...stackVars, PORT: String(port), HOST: '127.0.0.1', CRON_SCHEDULER: 'off', PAGE_CACHE: 'off', ...extra },
  })
  servers.push(child)
  const url = `http://127.0.0.1:${port}`
  await waitUntil('node replica', async () => (await fetch(`${url}/healthz`)).status === 200, { child, timeoutMs: 60_000, intervalMs: 100 })
  return { url, child }
}

beforeAll(async () => {
  ;[stackVars, fake] = await Promise.all([waitForNodeStack(inject('nodeStackDir')), startFakeTmdb(), buildNode(OUT, ['server', 'cron'])]).then(([vars, tmdb]) => [vars, tmdb] as const)
}, 180_000)

afterAll(async () => {
  await Promise.all(servers.map((child) => child.stop()))
  await fake?.stop()
  rmSync(OUT, { recursive: true, force: true })
})

describe('two Node replicas sharing one DynamoDB', () => {
  let a: Replica
  let b: Replica

  beforeAll(async () => {
    const tmdb = { TMDB_READ_TOKEN: 'replica-token', TMDB_BASE_URL: fake.url.replace(/\/3$/, `/${TENANT}/3`) }
    ;[a, b] = await Promise.all([startReplica(tmdb), startReplica(tmdb)])
  }, 90_000)

  it('should serve a TMDB answer fetched through one replica from the shared cache on the other', async () => {
    const stats = async () => ((await (await fetch(`${fake.url.replace(/\/3$/, `/${TENANT}`)}/__stats`)).json()) as { total: number; byPath: Record<string, number> })
    const first = await fetch(`${a.url}/api/v1/movies/4242`)
    expect(first.status).toBe(200)
    const film = await first.json()
    const calls = (await stats()).byPath['/3/movie/4242']
    expect(calls).toBe(1)
    const second = await fetch(`${b.url}/api/v1/movies/4242`)
    expect(second.status).toBe(200)
    expect(await second.json()).toEqual(film)
    expect((await stats()).byPath['/3/movie/4242']).toBe(1)
  })

  it('should run a cron occurrence fired on both replicas at once exactly once', async () => {
    const fire = (replica: Replica, time: number) => fetch(`${replica.url}/__scheduled?cron=0+7+*+*+1&time=${time}`).then((res) => res.json() as Promise<{ status: string }>)
    const time = Date.now()
    const outcomes = await Promise.all([fire(a, time), fire(b, time)])
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['ran', 'skipped'])
    // The same occurrence fired again later (a replica whose clock ticked late) is still not run twice.
    expect((await fire(a, time)).status).toBe('skipped')
  })

  it('should run one trigger from the cron CLI (dist/cron.js) against the same table', async () => {
    const cron = spawnGroup('node dist/cron.js', process.execPath, [join(OUT, 'cron.js'), '0 7 * * 1', '--now'], { cwd: ROOT, env: { ...process.env, ...stackVars } })
    expect(await cron.exited).toBe(0)
    expect(cron.output()).toContain('"status":"ran"')
  })
})

describe('SIGTERM during a burst of writes', () => {
  it('should keep every write it acknowledged, finish what is in flight and exit 0', { timeout: 120_000 }, async () => {
    const replica = await startReplica()
    const api = client(replica.url)
    const { token, user } = await signUp(api, 'sigterm')
    const ids: number[] = []
    for (let page = 1; ids.length < 40; page++) {
      const list = await api.json('GET', `/api/v1/movies/popular?page=${page}`)
      ids.push(...list.body.results.map((movie: { id: number }) => movie.id))
    }
    const acknowledged: number[] = []
    let signalled = false
    const queue = ids.slice(0, 40)
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const result = await api.json('PUT', `/api/v1/me/watchlist/${id}`, undefined, token).catch(() => undefined)
        if (result && (result.status === 200 || result.status === 201)) acknowledged.push(id)
        if (acknowledged.length >= 10 && !signalled) {
          signalled = true
          process.kill(replica.child.pid, 'SIGTERM')
        }
      }
    }
    await Promise.all(Array.from({ length: 6 }, worker))
    expect(signalled).toBe(true)
    expect(await replica.child.exited).toBe(0)
    // Read back through the start:node stack's own server (same table, same JWT secret).
    const list = await client(inject('nodeBaseUrl')).json('GET', '/api/v1/me/watchlist', undefined, token)
    const stored = new Set(list.body.results.map((movie: { id: number }) => movie.id))
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([])
    expect(acknowledged.length).toBeGreaterThanOrEqual(10)
    // The deferred work ran before the exit: every acknowledged add's event left the outbox (published to SNS).
    const config = parseConfig(stackVars)
    const db = DynamoDb.fromConfig(config)
    const shards = await Promise.all(
      Array.from({ length: OUTBOX_SHARDS }, (_, shard) =>
        db.queryAll<Record<string, unknown>>(config.DYNAMODB_TABLE, { keyCondition: 'pk = :pk', values: { ':pk': `OUTBOX#${shard}` }, consistent: true }),
      ),
    )
    expect(shards.flat().filter((item) => JSON.stringify(item).includes(user.id))).toEqual([])
  })
})
