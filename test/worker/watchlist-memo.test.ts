import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/config'
import { createWorker } from '../../src/main/worker'
import { createServices, type ServicesFactory } from '../../src/services'
import { summaryKey } from '../../src/watchlist/summary'
import { ORIGIN, clientIp, signUp, type TestUser } from './support/accounts'
import { testAws } from './support/aws'
import { countingStore } from './support/counting-store'
import { films } from './support/films'

/**
 * The home page's My List row and the first page of /watchlist are remembered per isolate under the list's version
 * (src/watchlist/list-memo.ts): an unchanged list is not read again, and any add or remove shows at once.
 */
const aws = testAws()
const counted = countingStore(aws.db)
const services: ServicesFactory = (ctx) => createServices({ ...ctx, adapters: { db: () => counted.store } })
const worker = createWorker({ services })

async function call(user: TestUser, path: string, method = 'GET'): Promise<{ status: number; html: string; listReads: number }> {
  const ctx = createExecutionContext()
  counted.reads.length = 0
  const headers = { Accept: 'text/html', Authorization: `Bearer ${user.token}`, 'CF-Connecting-IP': clientIp() }
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { method, headers }), env as unknown as Env, ctx)
  const html = await res.text()
  await waitOnExecutionContext(ctx)
  return { status: res.status, html, listReads: counted.reads.filter((read) => read.index === 'gsi2').length }
}

/** The films of the home page's My List row, in order. */
const myListRow = (html: string) => {
  const row = /aria-labelledby="row-my-list"[\s\S]*?<\/section>/.exec(html)?.[0] ?? ''
  return [...row.matchAll(/class="card-link" href="\/movies\/(\d+)"/g)].map((match) => Number(match[1]))
}
const listPage = (html: string) => [...html.matchAll(/class="card-link" href="\/movies\/(\d+)"/g)].map((match) => Number(match[1]))

/** As if the list's last change were long ago (the index has surely caught up). */
const settle = (user: TestUser) =>
  aws.db.update(aws.table, summaryKey(user.user.id), { update: 'SET changed_at = :long_ago', values: { ':long_ago': 0 }, returnValues: 'NONE' })

describe('My List row and page without re-reading an unchanged list', { timeout: 30_000 }, () => {
  it('should read an unchanged list once, and show an add or a remove on the next page load', async () => {
    const user = await signUp()
    const [a, b, c] = await films(3, 31, 'popular')
    for (const film of [a!, b!]) expect((await call(user, `/api/v1/me/watchlist/${film.id}`, 'PUT')).status).toBe(201)
    await settle(user)

    const first = await call(user, '/')
    expect(myListRow(first.html)).toEqual([b!.id, a!.id])
    expect(first.listReads).toBe(1)
    const again = await call(user, '/')
    expect(myListRow(again.html)).toEqual([b!.id, a!.id])
    expect(again.listReads).toBe(0)
    expect((await call(user, '/watchlist')).listReads).toBe(1)
    const page = await call(user, '/watchlist')
    expect(listPage(page.html)).toEqual([b!.id, a!.id])
    expect(page.listReads).toBe(0)

    expect((await call(user, `/api/v1/me/watchlist/${c!.id}`, 'PUT')).status).toBe(201)
    expect(myListRow((await call(user, '/')).html)).toEqual([c!.id, b!.id, a!.id])
    expect((await call(user, `/api/v1/me/watchlist/${a!.id}`, 'DELETE')).status).toBe(204)
    const after = await call(user, '/')
    expect(myListRow(after.html)).toEqual([c!.id, b!.id])
    expect(after.listReads).toBe(1)
    expect(listPage((await call(user, '/watchlist')).html)).toEqual([c!.id, b!.id])
  })
})
