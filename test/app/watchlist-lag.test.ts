import { createExecutionContext, createWorker, env, waitOnExecutionContext } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/config'
import type { DataStore } from '../../src/data/store'
import { createServices, type ServicesFactory } from '../../src/services'
import { ORIGIN, clientIp, signUp } from '../support/harness/accounts'
import { testAws } from '../support/harness/aws'
import { films } from '../support/harness/films'

/**
 * A global secondary index that lags its table, as DynamoDB's do on AWS (DynamoDB Local's never do): a list read
 * through gsi2 answers as it did the first time, for as long as the test runs (across requests: each builds its own
 * store). The table itself answers as it is.
 */
const seen = new Map<string, Awaited<ReturnType<DataStore['query']>>>()
function laggingIndex(inner: DataStore): DataStore {
  return new Proxy(inner, {
    get(target, op: keyof DataStore) {
      if (op !== 'query') return Reflect.get(target, op)
      return async (table: string, opts: Parameters<DataStore['query']>[1]) => {
        if (opts.index !== 'gsi2') return target.query(table, opts)
        const key = JSON.stringify(opts)
        if (!seen.has(key)) seen.set(key, await target.query(table, opts))
        return seen.get(key)
      }
    },
  })
}

const services: ServicesFactory = (ctx) => createServices({ ...ctx, adapters: { db: () => laggingIndex(testAws().db) } })
const worker = createWorker({ services })

async function send(path: string, token: string, init: { method?: string; referer?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'text/html', Cookie: `session=${token}`, 'CF-Connecting-IP': clientIp() }
  if (init.method === 'POST') Object.assign(headers, { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded', Referer: init.referer ?? `${ORIGIN}/watchlist` })
  const ctx = createExecutionContext()
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { method: init.method ?? 'GET', headers, redirect: 'manual', ...(init.method === 'POST' ? { body: '' } : {}) }), env as unknown as Env, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

/** The films of the My List page's grid, in order. */
async function listed(token: string): Promise<number[]> {
  const html = await (await send('/watchlist', token)).text()
  const grid = html.slice(html.indexOf('watchlist-grid'))
  return [...new Set([...grid.matchAll(/href="\/movies\/(\d+)"/g)].map((match) => Number(match[1])))]
}

describe('My List over an index that lags (reliability 3)', { timeout: 30_000 }, () => {
  it('should show the change just made on the page a no-JavaScript add or remove redirects to', async () => {
    const { token } = await signUp()
    const [first, second] = await films(2, 90)
    expect((await send(`/watchlist/${first!.id}`, token, { method: 'POST' })).status).toBe(303)
    // The index, read now, keeps answering this: the first film only.
    expect(new Set(await listed(token))).toEqual(new Set([first!.id]))

    const added = await send(`/watchlist/${second!.id}`, token, { method: 'POST' })
    expect(added.status).toBe(303)
    expect(added.headers.get('Location')).toBe('/watchlist')
    const afterAdd = await listed(token)
    expect(afterAdd[0]).toBe(second!.id)
    expect(new Set(afterAdd)).toEqual(new Set([first!.id, second!.id]))

    expect((await send(`/watchlist/${first!.id}/remove`, token, { method: 'POST' })).status).toBe(303)
    expect(new Set(await listed(token))).toEqual(new Set([second!.id]))
  })
})
