import { createExecutionContext, createWorker, env, waitOnExecutionContext } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { profileKey } from '../../src/accounts/keys'
import type { Env } from '../../src/config'
import { prefetching } from '../../src/data/prefetch'
import type { DataStore, Key } from '../../src/data/store'
import { filmPageRecommendationsPlan } from '../../src/recommendations'
import { viewsKey } from '../../src/recommendations/keys'
import { RecommendationStore } from '../../src/recommendations/store'
import { versionSlot } from '../../src/recommendations/version'
import { filmPageReviewsPlan } from '../../src/reviews'
import { createServices, type ServicesFactory } from '../../src/services'
import { summaryKey } from '../../src/watchlist/summary'
import { ORIGIN, clientIp, signUp, type TestUser } from '../support/harness/accounts'
import { testAws } from '../support/harness/aws'
import { countingStore } from '../support/harness/counting-store'
import { films } from '../support/harness/films'

/**
 * What a signed-in page reads from DynamoDB, counted at the data port, and that what it shows does not change for it:
 * - a film page names its per-viewer reads before authentication (read plans, `Services.readAhead`): the viewer's
 *   rating, the film's aggregate, "not interested" and recent views come back with the session's profile in one
 *   BatchGetItem, and a film nobody else reviewed needs no Query; each request reads ahead its own plans only;
 * - the home page's My List row and the first page of /watchlist are remembered per isolate under the list's version
 *   (src/watchlist/list-memo.ts): an unchanged list is not read again, and any add or remove shows at once;
 * - cards go into a page as the bytes kept from their first rendering (views/card-memo.ts).
 */
const aws = testAws()
const counted = countingStore(aws.db)
const services: ServicesFactory = (ctx) => createServices({ ...ctx, adapters: { db: () => counted.store } })
const worker = createWorker({ services })

async function call(user: TestUser, path: string, method = 'GET', body?: unknown): Promise<{ status: number; html: string; reads: string[]; listReads: number }> {
  const ctx = createExecutionContext()
  counted.reads.length = 0
  const headers: Record<string, string> = { Accept: 'text/html', Authorization: `Bearer ${user.token}`, 'CF-Connecting-IP': clientIp() }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const init = { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, init), env as unknown as Env, ctx)
  const html = await res.text()
  // Deferred work (the recent view) counts too: it reads what the batch brought.
  await waitOnExecutionContext(ctx)
  return { status: res.status, html, reads: counted.reads.map((read) => read.op), listReads: counted.reads.filter((read) => read.index === 'gsi2' && String(read.partition).startsWith('LIST#')).length }
}

describe('a signed-in film page in one DynamoDB read', { timeout: 30_000 }, () => {
  it('should show list state, "not interested", the own rating and others\' reviews from one batch (plus one Query when others reviewed)', async () => {
    const [ada, bob] = [await signUp(), await signUp()]
    const [film] = await films(1, 41, 'popular')
    const path = `/movies/${film!.id}`
    // The first visits compute the viewer's picks and record the view: after them, a visit only reads.
    await call(ada, path)
    await call(ada, path)

    const plain = await call(ada, path)
    expect(plain.status).toBe(200)
    expect(plain.html).toContain(`action="/watchlist/${film!.id}"`)
    expect(plain.html).toContain(`action="/movies/${film!.id}/dismiss"`)
    expect(plain.reads).toEqual(['batchGet'])

    expect((await call(ada, `/api/v1/me/watchlist/${film!.id}`, 'PUT')).status).toBe(201)
    expect((await call(ada, `/api/v1/me/dismissed/${film!.id}`, 'PUT')).status).toBe(204)
    expect((await call(ada, `/api/v1/movies/${film!.id}/reviews`, 'PUT', { rating: 8, text: 'Ada liked the score.' })).status).toBe(201)
    await call(ada, path)
    const mine = await call(ada, path)
    expect(mine.html).toContain(`action="/watchlist/${film!.id}/remove"`)
    expect(mine.html).toContain(`action="/movies/${film!.id}/undismiss"`)
    expect(mine.html).toContain('Ada liked the score.')
    expect(mine.reads).toEqual(['batchGet'])

    expect((await call(bob, `/api/v1/movies/${film!.id}/reviews`, 'PUT', { rating: 4, text: 'Bob found it long.' })).status).toBe(201)
    const both = await call(ada, path)
    expect(both.html).toContain('Ada liked the score.')
    expect(both.html).toContain('Bob found it long.')
    expect(both.reads).toEqual(['batchGet', 'query'])
  })
})

describe('read plans per request (Services.readAhead)', { timeout: 30_000 }, () => {
  it("should read ahead each of two concurrent film pages' own plan, for its own viewer", async () => {
    const [ada, bob] = [await signUp(), await signUp()]
    const [one, two] = await films(2, 45, 'popular')
    // Every request's store keeps the keys of its batches.
    const batches: Key[][] = []
    const batchGet: DataStore['batchGet'] = (table, keys, opts) => (batches.push(keys), aws.db.batchGet(table, keys, opts))
    const keeping = new Proxy(aws.db, { get: (target, name) => (name === 'batchGet' ? batchGet : Reflect.get(target, name)) })
    const app = createWorker({ services: (ctx) => createServices({ ...ctx, adapters: { db: () => keeping } }) })
    const visit = async (user: TestUser, filmId: number) => {
      const ctx = createExecutionContext()
      const headers = { Accept: 'text/html', Authorization: `Bearer ${user.token}`, 'CF-Connecting-IP': clientIp() }
      const res = await app.fetch(new Request(`${ORIGIN}/movies/${filmId}`, { headers }), env as unknown as Env, ctx)
      await res.text()
      await waitOnExecutionContext(ctx)
      return res.status
    }
    expect(await Promise.all([visit(ada, one!.id), visit(bob, two!.id)])).toEqual([200, 200])

    const planned = (user: TestUser, filmId: number) => [
      profileKey(user.user.id),
      ...filmPageReviewsPlan(filmId)(user.user.id),
      ...filmPageRecommendationsPlan(filmId)(user.user.id),
    ]
    const batchOf = (user: TestUser) => batches.find((keys) => keys.some((key) => key.pk === profileKey(user.user.id).pk))
    expect(batchOf(ada)).toEqual(expect.arrayContaining(planned(ada, one!.id)))
    expect(batchOf(bob)).toEqual(expect.arrayContaining(planned(bob, two!.id)))
    for (const key of planned(bob, two!.id)) expect(batchOf(ada)).not.toContainEqual(key)
    for (const key of planned(ada, one!.id)) expect(batchOf(bob)).not.toContainEqual(key)
  })
})

describe('recent views read ahead', { timeout: 30_000 }, () => {
  const storeOver = (db: DataStore) => new RecommendationStore(db, aws.table, versionSlot(db, aws.table, profileKey))
  const recent = async (userId: string) => (await storeOver(aws.db).views(userId))?.views.map((view) => view.id)

  it('should keep a view another tab recorded between the page\'s read-ahead and its own write', async () => {
    const { user } = await signUp()
    const tab = storeOver(aws.db)
    // Nothing recorded yet when the page read ahead; another tab records film 11 before this page writes film 22.
    const page = prefetching(aws.db)
    page.prefetch(aws.table, [viewsKey(user.id)])
    await tab.recordView(user.id, 11, Date.now())
    await storeOver(page).recordView(user.id, 22, Date.now())
    expect(await recent(user.id)).toEqual([22, 11])

    // The same with views already there: the read-ahead copy says [22, 11], the other tab adds 33 meanwhile.
    const later = prefetching(aws.db)
    later.prefetch(aws.table, [viewsKey(user.id)])
    await tab.recordView(user.id, 33, Date.now())
    await storeOver(later).recordView(user.id, 44, Date.now())
    expect(await recent(user.id)).toEqual([44, 33, 22, 11])
  })
})

describe('cards spliced in as bytes (views/card-memo.ts)', { timeout: 30_000 }, () => {
  it('should answer the same page whether its cards were rendered now or spliced in from the memo, with no marker left', async () => {
    const { clearCardMemo } = await import('../../views/card-memo')
    const user = await signUp()
    const [film] = await films(1, 43, 'popular')
    expect((await call(user, `/api/v1/me/watchlist/${film!.id}`, 'PUT')).status).toBe(201)
    clearCardMemo()
    const fresh = await call(user, '/')
    const spliced = await call(user, '/')
    expect(fresh.status).toBe(200)
    expect(spliced.html).toBe(fresh.html)
    expect(spliced.html).not.toContain('\u0000')
    expect(spliced.html.match(/class="card-link"/g)?.length).toBeGreaterThan(20)
    expect(spliced.html).toContain(`action="/watchlist/${film!.id}/remove"`)
    expect(spliced.html.trimEnd().endsWith('</html>')).toBe(true)
  })
})

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
