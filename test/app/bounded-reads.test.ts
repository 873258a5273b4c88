import { createExecutionContext, createWorker, env, waitOnExecutionContext } from '@test/runtime'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Env } from '../../src/config'
import type { NotificationItem } from '../../src/notifications/store'
import { createServices, type ServicesFactory } from '../../src/services'
import { ORIGIN, clientIp, signUp, type ErrorJson, type TestUser } from '../support/harness/accounts'
import { testAws } from '../support/harness/aws'
import { LIBRARY_PK } from '../../src/videos/keys'
import { countingStore, itemsRead, type ReadRecord } from '../support/harness/counting-store'
import { films } from '../support/harness/films'
import { store as notificationStore } from '../support/harness/notifications'

/**
 * Reads stay bounded however big a film's reviews, a user's notifications or a list grow: each
 * request reads about one page plus its aggregate (items counted through the data port), and
 * paging through with cursors returns every item exactly once, in order.
 */
const aws = testAws()
const counted = countingStore(aws.db)
const services: ServicesFactory = (ctx) => createServices({ ...ctx, adapters: { db: () => counted.store } })
const worker = createWorker({ services })

interface Call<T> {
  status: number
  body: T
  reads: ReadRecord[]
}

async function call<T>(path: string, opts: { token?: string; method?: string } = {}): Promise<Call<T>> {
  const headers: Record<string, string> = { 'CF-Connecting-IP': clientIp(), Accept: 'application/json' }
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`
  const ctx = createExecutionContext()
  counted.reads.length = 0
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { method: opts.method ?? 'GET', headers }), env as unknown as Env, ctx)
  const text = await res.text()
  await waitOnExecutionContext(ctx)
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, reads: [...counted.reads] }
}

/** BatchWriteItem, four batches of 25 at a time: fast seeding of thousands of items. */
async function seed(items: Record<string, unknown>[]): Promise<void> {
  const chunks: Record<string, unknown>[][] = []
  for (let i = 0; i < items.length; i += 250) chunks.push(items.slice(i, i + 250))
  for (let i = 0; i < chunks.length; i += 4) {
    await Promise.all(chunks.slice(i, i + 4).map((chunk) => aws.db.batchWrite(aws.table, chunk.map((item) => ({ put: item })))))
  }
}

const pad = (n: number) => String(n).padStart(5, '0')
const runId = crypto.randomUUID().slice(0, 8)

/** Follows next_cursor from the first page to the last, checking each request's reads. */
async function pageThrough<T extends { next_cursor?: string | null }>(
  first: string,
  opts: { token?: string },
  check: (call: Call<T>) => void,
): Promise<T[]> {
  const pages: T[] = []
  for (let path: string | undefined = first; path; ) {
    const answer: Call<T> = await call<T>(path, opts)
    expect(answer.status).toBe(200)
    check(answer)
    pages.push(answer.body)
    const next: string | null | undefined = answer.body.next_cursor
    path = next ? `${first}${first.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(next)}` : undefined
  }
  return pages
}

describe('bounded reads', { timeout: 60_000 }, () => {
  describe('2,500 reviews of one film', () => {
    const REVIEWS = 2500
    let movieId = 0
    let otherFilm = 0
    const base = Date.parse('2026-01-01T00:00:00.000Z')
    const userOf = (i: number) => `bounded-${runId}-${pad(i)}`

    beforeAll(async () => {
      const [film, other] = await films(2, 123, 'popular')
      movieId = film!.id
      otherFilm = other!.id
      const items = Array.from({ length: REVIEWS }, (_, i) => {
        const created = new Date(base + i * 1000).toISOString()
        return {
          pk: `MOVIE#${movieId}`,
          sk: `REVIEW#${userOf(i)}`,
          gsi1pk: `USER#${userOf(i)}`,
          gsi1sk: `REVIEW#${movieId}`,
          gsi2pk: `REVIEWS#${movieId}`,
          gsi2sk: `${created}#${userOf(i)}`,
          movie_id: movieId,
          user_id: userOf(i),
          display_name: `Reviewer ${i}`,
          rating: (i % 10) + 1,
          text: null,
          created_at: created,
          updated_at: created,
        }
      })
      await seed([...items, { pk: `MOVIE#${movieId}`, sk: 'AGG', rating_sum: items.reduce((sum, r) => sum + r.rating, 0), rating_count: REVIEWS, timeline: true }])
    }, 60_000)

    it('should read one page plus the aggregate per request and return every review once, newest first', async () => {
      type Page = { count: number; page: number; total_pages: number; results: { user: { id: string } }[]; next_cursor?: string | null }
      const perRequest: number[] = []
      const pages = await pageThrough<Page>(`/api/v1/movies/${movieId}/reviews`, {}, ({ reads }) => {
        // 20 reviews, one more to know a next page exists, and the film's aggregate.
        perRequest.push(itemsRead(reads))
        expect(itemsRead(reads)).toBeLessThanOrEqual(22)
        expect(reads.filter((read) => read.op === 'queryAll')).toEqual([])
      })
      expect(pages).toHaveLength(REVIEWS / 20)
      expect(pages[0]).toMatchObject({ count: REVIEWS, page: 1, total_pages: REVIEWS / 20 })
      expect(pages.at(-1)).toMatchObject({ page: REVIEWS / 20, next_cursor: null })
      const seen = pages.flatMap((page) => page.results.map((review) => review.user.id))
      expect(seen).toEqual(Array.from({ length: REVIEWS }, (_, i) => userOf(REVIEWS - 1 - i)))
      console.info(`reviews: at most ${Math.max(...perRequest)} items read per page request (${pages.length} pages)`)
    })

    it('should answer an altered cursor, or one of another film, with 422 validation_failed', async () => {
      const first = await call<{ next_cursor: string }>(`/api/v1/movies/${movieId}/reviews`)
      const cursor = first.body.next_cursor
      const altered = cursor.slice(0, 5) + (cursor[5] === 'A' ? 'B' : 'A') + cursor.slice(6)
      for (const path of [`/api/v1/movies/${movieId}/reviews?cursor=${altered}`, `/api/v1/movies/${otherFilm}/reviews?cursor=${cursor}`, `/api/v1/movies/${movieId}/reviews?cursor=not-a-cursor`]) {
        const answer = await call<ErrorJson>(path)
        expect(answer.status).toBe(422)
        expect(answer.body.error.code).toBe('validation_failed')
        expect(answer.body.error.details?.[0]?.path).toBe('cursor')
      }
    })

    it('should link the HTML page to older reviews through the cursor', async () => {
      const ctx = createExecutionContext()
      const res = await worker.fetch(new Request(`${ORIGIN}/movies/${movieId}/reviews`, { headers: { Accept: 'text/html' } }), env as unknown as Env, ctx)
      await waitOnExecutionContext(ctx)
      const html = await res.text()
      expect(html).toMatch(/href="\/movies\/\d+\/reviews\?cursor=[^"]+"[^>]*>\s*Older reviews/)
      expect(html).toContain(`Page 1 of ${REVIEWS / 20}`)
    })

    it('should go back to newer reviews from deep in the HTML pages with one page read per step, not one per page before it (reliability 3)', async () => {
      // The HTML page's links, followed as a reader would: 6 pages older, then back to page 1.
      const visit = async (path: string) => {
        const ctx = createExecutionContext()
        counted.reads.length = 0
        const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { headers: { Accept: 'text/html', 'CF-Connecting-IP': clientIp() } }), env as unknown as Env, ctx)
        const html = await res.text()
        await waitOnExecutionContext(ctx)
        expect(res.status).toBe(200)
        const link = (label: string) => new RegExp(`href="(/movies/\\d+/reviews\\?[^"]+)"[^>]*>\\s*${label}`).exec(html)?.[1]?.replaceAll('&amp;', '&')
        const names = [...html.matchAll(/class="review-author"[^>]*>(?:<bdi>)?([^<]+)/g)].map((m) => m[1])
        return { older: link('Older reviews'), newer: link('Newer reviews'), names, read: itemsRead(counted.reads), page: /Page (\d+) of/.exec(html)?.[1] }
      }
      const forward = [await visit(`/movies/${movieId}/reviews`)]
      for (let i = 0; i < 6; i++) forward.push(await visit(forward.at(-1)!.older!))
      expect(forward.at(-1)!.page).toBe('7')
      let at = forward.at(-1)!
      for (let page = 6; page >= 1; page--) {
        at = await visit(at.newer!)
        expect(at.page).toBe(String(page))
        expect(at.names).toEqual(forward[page - 1]!.names)
        // One page (and one to learn that more follow) plus the aggregate, however deep the page.
        expect(at.read).toBeLessThanOrEqual(22)
      }
      expect(at.newer).toBeUndefined()
    })
  })

  describe('500 notifications', () => {
    const NOTIFICATIONS = 500
    let user: TestUser

    beforeAll(async () => {
      user = await signUp()
      const base = Date.now() - 30 * 86_400_000
      const items: NotificationItem[] = []
      for (let i = 0; i < NOTIFICATIONS; i++) {
        items.push(await notificationStore.build(user.user.id, { type: 'release', title: `Release ${i}`, body: 'x', at: new Date(base + i * 60_000), key: `${runId}-${i}` }))
      }
      await seed(items)
    }, 60_000)

    it('should read one page per request (with a cursor) and return every notification once, newest first', async () => {
      type Page = { unread: number; results: { title: string }[]; next_cursor: string | null }
      const unreadReads: number[] = []
      const listReads: number[] = []
      const pages = await pageThrough<Page>('/api/v1/me/notifications', { token: user.token }, ({ reads }) => {
        const list = reads.filter((read) => read.op === 'query' && read.keyCondition?.includes('BETWEEN'))
        expect(list).toHaveLength(1)
        expect(list[0]!.items).toBeLessThanOrEqual(21)
        unreadReads.push(itemsRead(reads.filter((read) => read.filter?.includes('#read'))))
        listReads.push(list[0]!.items)
      })
      expect(pages).toHaveLength(NOTIFICATIONS / 20)
      expect(pages[0]!.unread).toBe(NOTIFICATIONS)
      const seen = pages.flatMap((page) => page.results.map((n) => n.title))
      expect(seen).toEqual(Array.from({ length: NOTIFICATIONS }, (_, i) => `Release ${NOTIFICATIONS - 1 - i}`))
      // The first request counts the unread items (bounded by the 90-day expiry, not by a page) and keeps the count in
      // the unread summary; every later one reads no notification for it.
      expect(unreadReads.slice(1)).toEqual(unreadReads.slice(1).map(() => 0))
      console.info(`notifications: list read at most ${Math.max(...listReads)} items per page; the unread count read ${unreadReads[0]} items on the first request, then none`)
    })

    it('should answer another user’s cursor with 422 validation_failed', async () => {
      const other = await signUp()
      const mine = await call<{ next_cursor: string }>('/api/v1/me/notifications', { token: user.token })
      const answer = await call<ErrorJson>(`/api/v1/me/notifications?cursor=${encodeURIComponent(mine.body.next_cursor)}`, { token: other.token })
      expect(answer.status).toBe(422)
      expect(answer.body.error.details?.[0]?.path).toBe('cursor')
    })
  })

  describe('a full list (1,000 films)', () => {
    const MAX = 1000
    let user: TestUser
    const filmOf = (i: number) => 2_100_000_000 + i

    beforeAll(async () => {
      user = await signUp()
      const pk = `USER#${user.user.id}`
      const base = Date.parse('2026-02-01T00:00:00.000Z')
      const now = new Date().toISOString()
      const entries = Array.from({ length: MAX - 1 }, (_, i) => {
        const addedAt = new Date(base + i * 1000).toISOString()
        const id = filmOf(i)
        const movie = { id, title: `Listed ${i}`, overview: '', release_date: null, poster_url: null, backdrop_url: null, vote_average: 0, vote_count: 0, genre_ids: [] }
        return { pk, sk: `WATCH#${id}`, gsi1pk: `WATCHERS#${id}`, gsi1sk: pk, gsi2pk: `LIST#${user.user.id}`, gsi2sk: `${addedAt}#${id}`, user_id: user.user.id, movie_id: id, genre_ids: [], added_at: addedAt, movie, snapshot_at: now }
      })
      const ids = Object.fromEntries(entries.map((entry) => [String(entry.movie_id), true]))
      await seed([...entries, { pk, sk: 'WATCHLIST', count: MAX - 1, ids }])
    }, 60_000)

    it('should take exactly one of five concurrent adds to the 1,000th place and refuse the rest with 409 list_full', async () => {
      const candidates = await films(5, 77, 'popular')
      const answers = await Promise.all(candidates.map((film) => call<ErrorJson>(`/api/v1/me/watchlist/${film.id}`, { token: user.token, method: 'PUT' })))
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409])
      for (const refused of answers.filter((a) => a.status === 409)) expect(refused.body.error.code).toBe('list_full')
    })

    it('should read one page of 60 plus the list summary per request, with every film once, newest first', async () => {
      type Page = { results: { id: number; title: string }[]; total_results: number; next_cursor: string | null }
      const perRequest: number[] = []
      const pages = await pageThrough<Page>('/api/v1/me/watchlist', { token: user.token }, ({ reads }) => {
        // The session's profile, the list summary, the unread summary, 60 entries and one to know a next page exists.
        perRequest.push(itemsRead(reads))
        expect(itemsRead(reads)).toBeLessThanOrEqual(64)
        expect(reads.filter((read) => read.op === 'queryAll')).toEqual([])
        // The one batch allowed is the session's: profile, list summary and unread summary read together (src/data/prefetch.ts).
        for (const batch of reads.filter((read) => read.op === 'batchGet')) expect(batch.items).toBeLessThanOrEqual(3)
      })
      expect(pages).toHaveLength(Math.ceil(MAX / 60))
      expect(pages[0]!.total_results).toBe(MAX)
      const seen = pages.flatMap((page) => page.results.map((film) => film.id))
      expect(seen).toHaveLength(MAX)
      expect(new Set(seen).size).toBe(MAX)
      // The film added last (a real one) first, then the seeded ones newest first, from their snapshots.
      expect(seen.slice(1)).toEqual(Array.from({ length: MAX - 1 }, (_, i) => filmOf(MAX - 2 - i)))
      expect(pages[0]!.results[1]!.title).toBe(`Listed ${MAX - 2}`)
      console.info(`watchlist: at most ${Math.max(...perRequest)} items read per page request (profile + summaries + entries), ${pages.length} pages`)
    })

    it('should read the list once for the home page: the summary for markers and 20 snapshots for the row', async () => {
      const ctx = createExecutionContext()
      counted.reads.length = 0
      const res = await worker.fetch(
        new Request(`${ORIGIN}/`, { headers: { Accept: 'text/html', Authorization: `Bearer ${user.token}`, 'CF-Connecting-IP': clientIp() } }),
        env as unknown as Env,
        ctx,
      )
      const html = await res.text()
      await waitOnExecutionContext(ctx)
      expect(res.status).toBe(200)
      expect(html).toContain(`Listed ${MAX - 2}`)
      // The hero's Play button asks the ready-video map, the isolate's own read of the video library (at most every
      // 30 s for every visitor, src/videos/ready-map.ts): not this request's, and never the user's list.
      const reads = counted.reads.filter((read) => read.partition !== LIBRARY_PK)
      // One Query of the row's newest entries; no read of the whole list (the only queryAll is the bell's unread count).
      const rowReads = reads.filter((read) => read.index === 'gsi2' && String(read.partition).startsWith('LIST#'))
      expect(rowReads).toEqual([expect.objectContaining({ op: 'query', keyCondition: 'gsi2pk = :pk' })])
      // Continue watching, the first personal row: one Query of its own sparse index, however long the history.
      expect(reads.filter((read) => read.index === 'gsi2' && String(read.partition).startsWith('WATCHING#'))).toEqual([expect.objectContaining({ op: 'query' })])
      expect(rowReads[0]!.items).toBeLessThanOrEqual(20)
      expect(reads.filter((read) => read.op === 'queryAll' && !read.filter?.includes('#read'))).toEqual([])
      expect(itemsRead(reads)).toBeLessThanOrEqual(25)
      console.info(`home page with a full list: ${itemsRead(reads)} items read in all (${rowReads[0]!.items} for the My List row)`)
    })
  })
})
