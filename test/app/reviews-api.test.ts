import { describe, expect, it } from 'vitest'
import { api, signUp, type ErrorJson, type TestUser } from '../support/harness/accounts'
import { testAws, uniqueId } from '../support/harness/aws'
import { seedingServices } from '../support/harness/services'
import { UNKNOWN_FILM, films } from '../support/harness/films'
import { directOutbox } from '../../src/events/outbox'
import { newEvent } from '../../src/events/schema'
import { ReviewService } from '../../src/reviews'
import { cursorCodec } from '../../src/shared/cursor'

interface ReviewJson {
  user: { id: string; display_name: string }
  rating: number
  text: string | null
  created_at: string
  updated_at: string
}
interface ReviewPageJson {
  average: number | null
  count: number
  page: number
  total_pages: number
  results: ReviewJson[]
}

const rate = (token: string, id: number | string, body: unknown) => api(`/movies/${id}/reviews`, { method: 'PUT', token, body })
const unrate = (token: string, id: number | string) => api(`/movies/${id}/reviews`, { method: 'DELETE', token })
const codeOf = async (res: Response) => ((await res.json()) as ErrorJson).error.code

async function allReviews(id: number): Promise<ReviewPageJson & { all: ReviewJson[] }> {
  const all: ReviewJson[] = []
  let first: ReviewPageJson | undefined
  for (let page = 1; ; page++) {
    const res = await api(`/movies/${id}/reviews?page=${page}`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as ReviewPageJson
    first ??= body
    all.push(...body.results)
    if (page >= body.total_pages) break
  }
  return { ...first!, all }
}

const mean = (ratings: number[]) => Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 100) / 100

describe('reviews API', { timeout: 30_000 }, () => {
  it('should keep the average and count exact while 20 users rate, re-rate and delete concurrently', async () => {
    const [film] = await films(1, 12)
    const { db, table } = testAws()
    const users: TestUser[] = await Promise.all(Array.from({ length: 20 }, (_, i) => signUp({ display_name: `Critic ${i}` })))
    const before = await allReviews(film!.id)

    const created = await Promise.all(users.map((u, i) => rate(u.token, film!.id, { rating: (i % 10) + 1, text: `Take ${i}` })))
    expect(created.map((r) => r.status)).toEqual(users.map(() => 201))
    const afterCreate = await allReviews(film!.id)
    expect(afterCreate.count).toBe(before.count + 20)

    // Updates, double updates by the same user, deletes and re-creates, all at once.
    await Promise.all(
      users.flatMap((u, i) => {
        if (i < 6) return [rate(u.token, film!.id, { rating: 10 - (i % 10) }), rate(u.token, film!.id, { rating: 1 + (i % 3) })]
        if (i < 12) return [unrate(u.token, film!.id)]
        if (i < 15) return [unrate(u.token, film!.id), rate(u.token, film!.id, { rating: 7 })]
        return [rate(u.token, film!.id, { rating: 9, text: null })]
      }),
    )
    const final = await allReviews(film!.id)
    expect(final.count).toBe(final.all.length)
    expect(final.average).toBe(mean(final.all.map((r) => r.rating)))
    const ours = final.all.filter((r) => users.some((u) => u.user.id === r.user.id))
    expect(ours.length).toBeGreaterThanOrEqual(8)
    expect(ours.length).toBeLessThanOrEqual(14)
    const agg = await db.get<{ rating_sum: number; rating_count: number }>(table, { pk: `MOVIE#${film!.id}`, sk: 'AGG' }, { consistent: true })
    expect(agg?.rating_count).toBe(final.all.length)
    expect(agg?.rating_sum).toBe(final.all.reduce((sum, r) => sum + r.rating, 0))

    // Everyone deletes: the film's count returns to what it was.
    await Promise.all(users.map((u) => unrate(u.token, film!.id)))
    const cleared = await allReviews(film!.id)
    expect(cleared.count).toBe(before.count)
    expect(cleared.average).toBe(before.average)
  }, 60_000)

  it('should create with 201, edit with 200 keeping created_at, and delete idempotently with 204', async () => {
    const user = await signUp({ display_name: 'Editor' })
    const [film] = await films(1, 13)
    const first = await rate(user.token, film!.id, { rating: 6, text: '  Decent.  ' })
    expect(first.status).toBe(201)
    const created = (await first.json()) as ReviewJson
    expect(created).toMatchObject({ user: { id: user.user.id, display_name: 'Editor' }, rating: 6, text: 'Decent.' })
    const second = await rate(user.token, film!.id, { rating: 9 })
    expect(second.status).toBe(200)
    const edited = (await second.json()) as ReviewJson
    expect(edited).toMatchObject({ rating: 9, text: null, created_at: created.created_at })
    expect(Date.parse(edited.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.updated_at))
    const page = await allReviews(film!.id)
    expect(page.all.filter((r) => r.user.id === user.user.id)).toEqual([edited])

    expect((await unrate(user.token, film!.id)).status).toBe(204)
    expect((await unrate(user.token, film!.id)).status).toBe(204)
    expect((await allReviews(film!.id)).all.some((r) => r.user.id === user.user.id)).toBe(false)
  })

  it('should keep a review newer than X-Offline-At (200, X-Offline-Conflict: kept-newer) and apply one that is older', async () => {
    const user = await signUp()
    const [film] = await films(1, 17)
    const offline = (at: string, body: unknown) => api(`/movies/${film!.id}/reviews`, { method: 'PUT', token: user.token, body, headers: { 'X-Offline-At': at } })
    const stored = (await (await rate(user.token, film!.id, { rating: 8, text: 'Online' })).json()) as ReviewJson
    // Rated offline a minute before the stored review was written: the stored one is newer and stays.
    const older = await offline(new Date(Date.parse(stored.updated_at) - 60_000).toISOString(), { rating: 2, text: 'Offline' })
    expect(older.status).toBe(200)
    expect(older.headers.get('X-Offline-Conflict')).toBe('kept-newer')
    expect(await older.json()).toEqual(stored)
    const mine = async () => (await allReviews(film!.id)).all.find((r) => r.user.id === user.user.id)
    expect(await mine()).toEqual(stored)
    // Rated offline after it (the same instant in another zone's notation): applied as any edit.
    const later = new Date(Date.parse(stored.updated_at) + 1)
    const newer = await offline(later.toISOString().replace('Z', '+00:00'), { rating: 3 })
    expect(newer.status).toBe(200)
    expect(newer.headers.get('X-Offline-Conflict')).toBeNull()
    expect(await mine()).toMatchObject({ rating: 3, text: null, created_at: stored.created_at })
    // A malformed or future instant is ignored: the write goes through as an online one.
    for (const [at, rating] of [['yesterday', 4], ['2024-01-01', 5], [new Date(Date.now() + 3_600_000).toISOString(), 6]] as const) {
      const res = await offline(at, { rating })
      expect(res.status, at).toBe(200)
      expect(res.headers.get('X-Offline-Conflict'), at).toBeNull()
      expect((await mine())?.rating, at).toBe(rating)
    }
  })

  it('should not let an offline write overwrite a newer review that lands between its read and its write', async () => {
    const { reviews } = seedingServices()
    const { db, table } = testAws()
    const movieId = 2_000_000_000 + Math.floor(Math.random() * 100_000_000)
    const user = { id: uniqueId('offline-racer'), display_name: 'Racer' }
    await reviews.put(movieId, user, { rating: 5, text: 'First' })
    await new Promise((resolve) => setTimeout(resolve, 5))
    const offlineAt = new Date().toISOString()
    await new Promise((resolve) => setTimeout(resolve, 5))
    // Another device edits the text (same rating) just after the offline write has read the review.
    let raced = false
    const racing = new Proxy(db, {
      get: (target, name) =>
        name === 'transactWrite'
          ? async (...args: Parameters<typeof db.transactWrite>) => {
              if (!raced) {
                raced = true
                await reviews.put(movieId, user, { rating: 5, text: 'Newer' })
              }
              return target.transactWrite(...args)
            }
          : Reflect.get(target, name, target),
    })
    const catalog = { details: async (id: number) => ({ id }) as never }
    const offlineReviews = new ReviewService({ db: racing, table, catalog, outbox: directOutbox(newEvent), cursors: cursorCodec('a test-only cursor secret') })
    const result = await offlineReviews.put(movieId, user, { rating: 2, text: 'Offline' }, offlineAt)
    expect(raced).toBe(true)
    expect(result).toMatchObject({ kept: true, review: { rating: 5, text: 'Newer' } })
    expect((await reviews.forViewer(movieId, user.id)).own).toMatchObject({ rating: 5, text: 'Newer' })
  })

  it('should show reviewers by display name and never expose an email', async () => {
    const critic = await signUp({ display_name: 'Private Person' })
    const [film] = await films(1, 14)
    expect((await rate(critic.token, film!.id, { rating: 8, text: 'Loved it' })).status).toBe(201)
    const res = await api(`/movies/${film!.id}/reviews`)
    const raw = await res.text()
    expect(raw).not.toContain(critic.email)
    expect(raw).not.toContain('@')
    const body = JSON.parse(raw) as ReviewPageJson
    const mine = body.results.find((r) => r.user.id === critic.user.id)!
    expect(Object.keys(mine.user).sort()).toEqual(['display_name', 'id'])
    expect(mine.user.display_name).toBe('Private Person')
  })

  it('should answer an unrated film with average null and count 0, anonymously', async () => {
    const [film] = await films(1, 40)
    const res = await api(`/movies/${film!.id}/reviews`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ average: null, count: 0, page: 1, total_pages: 1, results: [] })
  })

  it('should page reviews newest first, 20 to a page by default', async () => {
    const { reviews } = seedingServices()
    const movieId = 2_000_000_000 + Math.floor(Math.random() * 100_000_000)
    const ids = Array.from({ length: 7 }, () => uniqueId('reviewer'))
    for (const [i, id] of ids.entries()) await reviews.put(movieId, { id, display_name: `R${i}` }, { rating: i + 1 })
    const page1 = await reviews.forViewer(movieId, undefined, 1, 5)
    expect(page1).toMatchObject({ count: 7, average: 4, page: 1, total_pages: 2 })
    expect(page1.results.map((r) => r.user.display_name)).toEqual(['R6', 'R5', 'R4', 'R3', 'R2'])
    const page2 = await reviews.forViewer(movieId, undefined, 2, 5)
    expect(page2.results.map((r) => r.user.display_name)).toEqual(['R1', 'R0'])
    expect((await reviews.forViewer(movieId, undefined)).results).toHaveLength(7)
    const viewer = await reviews.forViewer(movieId, ids[3], 1, 5)
    expect(viewer.own?.rating).toBe(4)
    expect(viewer.results.map((r) => r.user.display_name)).toEqual(['R6', 'R5', 'R4', 'R2', 'R1'])
  })

  it('should answer rating 0, 11, 7.5 and "x" and over-long text with 422 and details', async () => {
    const { token } = await signUp()
    const [film] = await films(1, 15)
    for (const rating of [0, 11, 7.5, 'x', null]) {
      const res = await rate(token, film!.id, { rating })
      expect(res.status, String(rating)).toBe(422)
      const body = (await res.json()) as ErrorJson
      expect(body.error.code).toBe('validation_failed')
      expect(body.error.details).toContainEqual(expect.objectContaining({ path: 'rating' }))
    }
    const long = await rate(token, film!.id, { rating: 5, text: 'x'.repeat(2001) })
    expect(long.status).toBe(422)
    expect(((await long.json()) as ErrorJson).error.details).toContainEqual(expect.objectContaining({ path: 'text' }))
    expect((await rate(token, film!.id, { rating: 5, text: 'x'.repeat(2000) })).status).toBe(201)
  })

  it('should answer malformed bodies with 400 malformed_request', async () => {
    const { token } = await signUp()
    const [film] = await films(1, 15)
    const badJson = await rate(token, film!.id, '{"rating": ')
    expect(badJson.status).toBe(400)
    expect(await codeOf(badJson)).toBe('malformed_request')
    const wrongType = await api(`/movies/${film!.id}/reviews`, { method: 'PUT', token, body: 'rating=5', headers: { 'Content-Type': 'text/plain' } })
    expect(wrongType.status).toBe(400)
    expect(await codeOf(wrongType)).toBe('malformed_request')
  })

  it('should answer an unknown film with 404 movie_not_found and bad ids with 400 invalid_id', async () => {
    const { token } = await signUp()
    const put = await rate(token, UNKNOWN_FILM, { rating: 5 })
    expect(put.status).toBe(404)
    expect(await codeOf(put)).toBe('movie_not_found')
    const get = await api(`/movies/${UNKNOWN_FILM}/reviews`)
    expect(get.status).toBe(404)
    expect(await codeOf(get)).toBe('movie_not_found')
    for (const bad of ['abc', '0', '-3', '2.5', '4294967296']) {
      expect(await codeOf(await rate(token, bad, { rating: 5 })), bad).toBe('invalid_id')
      expect(await codeOf(await api(`/movies/${bad}/reviews`)), bad).toBe('invalid_id')
    }
  })

  it('should answer anonymous writes with 401 and page=0 with 422', async () => {
    const [film] = await films(1, 15)
    const put = await rate('', film!.id, { rating: 5 })
    expect(put.status).toBe(401)
    expect(await codeOf(put)).toBe('unauthorized')
    expect((await unrate('', film!.id)).status).toBe(401)
    const page0 = await api(`/movies/${film!.id}/reviews?page=0`)
    expect(page0.status).toBe(422)
  })

  it('should show the new display name on past reviews after a profile rename', async () => {
    const critic = await signUp({ display_name: 'Old Name' })
    const [film] = await films(1, 16)
    expect((await rate(critic.token, film!.id, { rating: 7 })).status).toBe(201)
    const patch = await api('/me', { method: 'PATCH', token: critic.token, body: { display_name: 'New Name' } })
    expect(patch.status).toBe(200)
    const mine = (await allReviews(film!.id)).all.find((r) => r.user.id === critic.user.id)
    expect(mine?.user.display_name).toBe('New Name')
  })

  it('should document the review routes in the OpenAPI document', async () => {
    const doc = (await (await api('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> }
    const path = Object.keys(doc.paths).find((p) => /^\/api\/v1\/movies\/\{id\}\/reviews$/.test(p))
    expect(path).toBeDefined()
    expect(Object.keys(doc.paths[path!]!).sort()).toEqual(expect.arrayContaining(['delete', 'get', 'put']))
  })
})
