import { describe, expect, it } from 'vitest'
import { api, signUp, type ErrorJson } from '../support/harness/accounts'
import { testAws } from '../support/harness/aws'
import { testServices } from '../support/harness/services'
import { MOVIE_KEYS, UNKNOWN_FILM, films, type FilmJson } from '../support/harness/films'

type Listed = FilmJson & { added_at: string }
const listOf = async (token: string) => {
  const res = await api('/me/watchlist', { token })
  expect(res.status).toBe(200)
  // Readable offline by the service worker, but only in this browser (docs/offline.md).
  expect(res.headers.get('Cache-Control')).toBe('private, no-cache')
  return ((await res.json()) as { results: Listed[] }).results
}
const add = (token: string, id: number | string) => api(`/me/watchlist/${id}`, { method: 'PUT', token })
const remove = (token: string, id: number | string) => api(`/me/watchlist/${id}`, { method: 'DELETE', token })
const codeOf = async (res: Response) => ((await res.json()) as ErrorJson).error.code

describe('watchlist API', () => {
  it('should keep all 40 films when they are added concurrently', async () => {
    const { token } = await signUp()
    const forty = await films(40, 2)
    const responses = await Promise.all(forty.map((film) => add(token, film.id)))
    expect(responses.map((r) => r.status)).toEqual(forty.map(() => 201))
    const listed = await listOf(token)
    expect(listed).toHaveLength(40)
    expect(new Set(listed.map((m) => m.id))).toEqual(new Set(forty.map((f) => f.id)))
  }, 30_000)

  it('should answer 201 once and then 200 with the first added_at when one film is added again and again', async () => {
    const { token } = await signUp()
    const [film] = await films(1, 5)
    const first = await add(token, film!.id)
    expect(first.status).toBe(201)
    const created = (await first.json()) as Listed
    expect(created).toMatchObject({ id: film!.id, title: film!.title })
    const again = await Promise.all(Array.from({ length: 6 }, () => add(token, film!.id)))
    expect(again.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200])
    for (const res of again) expect(((await res.json()) as Listed).added_at).toBe(created.added_at)
    const listed = await listOf(token)
    expect(listed.map((m) => m.id)).toEqual([film!.id])
    expect(listed[0]!.added_at).toBe(created.added_at)
  })

  it('should create exactly one entry when the same film is added by 10 requests at once', async () => {
    const { token } = await signUp()
    const [film] = await films(1, 6)
    const responses = await Promise.all(Array.from({ length: 10 }, () => add(token, film!.id)))
    const statuses = responses.map((r) => r.status).sort()
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201])
    const stamps = await Promise.all(responses.map(async (r) => ((await r.json()) as Listed).added_at))
    expect(new Set(stamps).size).toBe(1)
    expect(await listOf(token)).toHaveLength(1)
  })

  it('should answer 204 to every removal, listed or not', async () => {
    const { token } = await signUp()
    const [a, b] = await films(2, 7)
    expect((await add(token, a!.id)).status).toBe(201)
    expect((await add(token, b!.id)).status).toBe(201)
    expect((await remove(token, a!.id)).status).toBe(204)
    expect((await remove(token, a!.id)).status).toBe(204)
    const concurrent = await Promise.all([remove(token, b!.id), remove(token, b!.id), remove(token, b!.id)])
    expect(concurrent.map((r) => r.status)).toEqual([204, 204, 204])
    expect((await remove(token, UNKNOWN_FILM)).status).toBe(204)
    expect(await listOf(token)).toEqual([])
    // Added again after removal: a fresh entry.
    expect((await add(token, a!.id)).status).toBe(201)
  })

  it('should list newest first with the movie data of each film', async () => {
    const { token } = await signUp()
    const three = await films(3, 8)
    for (const film of three) expect((await add(token, film.id)).status).toBe(201)
    const listed = await listOf(token)
    expect(listed.map((m) => m.id)).toEqual(three.map((f) => f.id).reverse())
    for (const movie of listed) {
      expect(Object.keys(movie).sort()).toEqual([...MOVIE_KEYS, 'added_at'].sort())
      const film = three.find((f) => f.id === movie.id)!
      expect(movie).toMatchObject({ title: film.title, poster_url: film.poster_url, genre_ids: film.genre_ids })
    }
    const stamps = listed.map((m) => Date.parse(m.added_at))
    expect(stamps).toEqual([...stamps].sort((x, y) => y - x))
  })

  it('should follow a genre while at least one listed film has it, and find listers by film', async () => {
    const { token, user } = await signUp()
    const { watchlist } = testServices()
    const { db, table } = testAws()
    const candidates = await films(30, 9)
    const withGenres = candidates.filter((f) => f.genre_ids.length > 0).slice(0, 4)
    for (const film of withGenres) expect((await add(token, film.id)).status).toBe(201)
    const expected = new Set(withGenres.flatMap((f) => f.genre_ids))
    expect(new Set(await watchlist.followedGenres(user.id))).toEqual(expected)
    expect(await watchlist.watchersOf(withGenres[0]!.id)).toContain(user.id)

    const [kept, ...dropped] = withGenres
    await Promise.all(dropped.map((film) => remove(token, film.id)))
    expect(new Set(await watchlist.followedGenres(user.id))).toEqual(new Set(kept!.genre_ids))
    expect(await watchlist.watchersOf(dropped[0]!.id)).not.toContain(user.id)
    // Counters are exact: each followed genre counts the listed films that have it.
    for (const genreId of kept!.genre_ids) {
      const follow = await db.get<{ listed_count: number }>(table, { pk: `GENRE#${genreId}`, sk: `USER#${user.id}` }, { consistent: true })
      expect(follow?.listed_count).toBe(1)
    }
    await remove(token, kept!.id)
    for (const genreId of expected) {
      expect(await db.get(table, { pk: `GENRE#${genreId}`, sk: `USER#${user.id}` }, { consistent: true })).toBeUndefined()
    }
  })

  it('should answer an unknown film with 404 movie_not_found and list nothing', async () => {
    const { token } = await signUp()
    const res = await add(token, UNKNOWN_FILM)
    expect(res.status).toBe(404)
    expect(await codeOf(res)).toBe('movie_not_found')
    expect(await listOf(token)).toEqual([])
  })

  it('should answer ids that are not film ids with 400 invalid_id', async () => {
    const { token } = await signUp()
    for (const bad of ['abc', '0', '-1', '1.5', '99999999999', '2147483648']) {
      const put = await add(token, bad)
      expect(put.status, bad).toBe(400)
      expect(await codeOf(put)).toBe('invalid_id')
      expect((await remove(token, bad)).status, bad).toBe(400)
    }
  })

  it('should answer anonymous and forged callers with 401', async () => {
    const [film] = await films(1)
    for (const res of [await api('/me/watchlist'), await add('', film!.id), await remove('', film!.id)]) {
      expect(res.status).toBe(401)
      expect(await codeOf(res)).toBe('unauthorized')
    }
    const forged = await api('/me/watchlist', { token: 'not.a.token' })
    expect(forged.status).toBe(401)
  })

  it('should document every watchlist route in the OpenAPI document', async () => {
    const doc = (await (await api('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> }
    expect(Object.keys(doc.paths['/api/v1/me/watchlist'] ?? {})).toContain('get')
    const item = Object.keys(doc.paths).find((p) => p.startsWith('/api/v1/me/watchlist/'))
    expect(item).toBeDefined()
    expect(Object.keys(doc.paths[item!]!).sort()).toEqual(expect.arrayContaining(['delete', 'put']))
  })
})
