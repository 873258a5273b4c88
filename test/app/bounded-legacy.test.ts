import { describe, expect, it } from 'vitest'
import { api, signUp } from '../support/harness/accounts'
import { testAws, uniqueId } from '../support/harness/aws'
import { films } from '../support/harness/films'

/** Data written before the time-ordered index, the list summary and snapshots still shows, and is upgraded on first read. */
const aws = testAws()

describe('data written before bounded reads', { timeout: 30_000 }, () => {
  it('should list reviews that lack the index keys once their film is first read, newest first', async () => {
    const [film] = await films(1, 140, 'popular')
    const movieId = film!.id
    const users = [uniqueId('legacy-a'), uniqueId('legacy-b'), uniqueId('legacy-c')]
    const base = Date.parse('2025-05-01T00:00:00.000Z')
    const reviews = users.map((user, i) => {
      const at = new Date(base + i * 60_000).toISOString()
      return { pk: `MOVIE#${movieId}`, sk: `REVIEW#${user}`, gsi1pk: `USER#${user}`, gsi1sk: `REVIEW#${movieId}`, movie_id: movieId, user_id: user, display_name: `Legacy ${i}`, rating: 5, text: null, created_at: at, updated_at: at }
    })
    await aws.db.batchWrite(aws.table, [...reviews, { pk: `MOVIE#${movieId}`, sk: 'AGG', rating_sum: 15, rating_count: 3 }].map((item) => ({ put: item })))
    const body = (await (await api(`/movies/${movieId}/reviews`)).json()) as { count: number; results: { user: { id: string } }[] }
    expect(body.count).toBe(3)
    expect(body.results.map((r) => r.user.id)).toEqual([...users].reverse())
    const agg = await aws.db.get<{ timeline?: boolean }>(aws.table, { pk: `MOVIE#${movieId}`, sk: 'AGG' }, { consistent: true })
    expect(agg?.timeline).toBe(true)
  })

  it('should show a list without summary or snapshots, then count and cap it through the summary it gets', async () => {
    const user = await signUp()
    const listed = await films(2, 141, 'popular')
    const pk = `USER#${user.user.id}`
    const base = Date.parse('2025-06-01T00:00:00.000Z')
    const entries = listed.map((film, i) => ({ pk, sk: `WATCH#${film.id}`, gsi1pk: `WATCHERS#${film.id}`, gsi1sk: pk, user_id: user.user.id, movie_id: film.id, genre_ids: [], added_at: new Date(base + i * 1000).toISOString() }))
    await aws.db.batchWrite(aws.table, entries.map((item) => ({ put: item })))
    const body = (await (await api('/me/watchlist', { token: user.token })).json()) as { total_results: number; results: { id: number; title: string }[] }
    expect(body.total_results).toBe(2)
    expect(body.results.map((m) => m.id)).toEqual([listed[1]!.id, listed[0]!.id])
    expect(body.results[0]!.title).toBe(listed[1]!.title)
    expect(await aws.db.get(aws.table, { pk, sk: 'WATCHLIST' }, { consistent: true })).toMatchObject({ count: 2 })
    // A remove and an add keep the summary exact.
    expect((await api(`/me/watchlist/${listed[0]!.id}`, { method: 'DELETE', token: user.token })).status).toBe(204)
    const [another] = await films(1, 142, 'popular')
    expect((await api(`/me/watchlist/${another!.id}`, { method: 'PUT', token: user.token })).status).toBe(201)
    expect(await aws.db.get(aws.table, { pk, sk: 'WATCHLIST' }, { consistent: true })).toMatchObject({ count: 2 })
  })
})
