import { SELF } from '@test/runtime'
import { beforeEach, describe, expect, it } from 'vitest'
import { fakeTmdb, tmdbHarness } from '../support/harness/tmdb'

/**
 * People (issue 39): person pages and `GET /api/v1/people/:id` on TMDB (the fake's person fixtures: Tom Hanks from the
 * spec, Audrey Tautou without photo or biography, 柊瑠美) and on the bundled catalog (its directors), cast and
 * director links on film pages, and people in search.
 */

const IMAGE = 'https://image.tmdb.org/t/p'

beforeEach(() => fakeTmdb.reset())

const hrefs = (body: string, prefix: string) => [...body.matchAll(new RegExp(`href="(${prefix}[^"]*)"`, 'g'))].map((m) => m[1])

describe('people on TMDB', () => {
  it('reaches a person from a film page cast link: their page names them, says what is missing and lists their films with My List buttons', async () => {
    const tmdb = tmdbHarness()
    const film = await tmdb.get('/movies/194')
    expect(hrefs(film.body, '/people/')).toEqual(['/people/3', '/people/4'])
    const page = await tmdb.get('/people/3')
    expect(page.status).toBe(200)
    expect(page.headers.get('Cache-Control')).toBe('private, no-cache')
    expect(page.body).toContain('<h1 id="person-name" class="details-title"><bdi>Audrey Tautou</bdi></h1>')
    expect(page.body).toContain('aria-label="Audrey Tautou (no photo)" data-initials="AT"')
    expect(page.body).toContain('There is no biography yet.')
    expect(page.body).toContain('9 Aug 1976 · Beaumont, Puy-de-Dôme, France')
    expect(page.body).toContain('href="https://www.imdb.com/name/nm0851582/"')
    // The filmography reuses the film cards: a link to the film and its My List toggle.
    expect(page.body).toMatch(/<h2 id="row-as-cast">As cast<\/h2>/)
    expect(page.body).toContain('href="/movies/194"')
    expect(page.body).toContain('aria-label="Add Amélie to My List"')
  })

  it('answers a person as JSON: biography, dates, photo, IMDb id and a filmography newest first without adult titles; a second look-up stays in KV', async () => {
    const tmdb = tmdbHarness()
    const res = await tmdb.get('/api/v1/people/31')
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toMatch(/^public, max-age=\d+/)
    const person = res.json()
    expect(Object.keys(person).sort()).toEqual(['biography', 'birthday', 'credits', 'deathday', 'id', 'imdb_id', 'known_for', 'name', 'place_of_birth', 'profile_url'])
    expect(person).toMatchObject({
      id: 31,
      name: 'Tom Hanks',
      birthday: '1956-07-09',
      deathday: null,
      place_of_birth: 'Concord, California, USA',
      profile_url: `${IMAGE}/w185/xndWFsBlClOJFRdhSt4NBwiPq2o.jpg`,
      known_for: 'Acting',
      imdb_id: 'nm0000158',
    })
    expect(person.biography).toMatch(/^Thomas Jeffrey Hanks/)
    const cast = person.credits.cast as { id: number; release_date: string | null; character: string | null; poster_url: string | null }[]
    expect(cast.map((c) => c.id)).not.toContain(999031)
    expect(cast[0]).toMatchObject({ id: 522402, title: 'Finch', character: 'Finch', release_date: '2021-11-04', poster_url: expect.stringMatching(/^https:\/\/image\.tmdb\.org\/t\/p\/w500\//) })
    const dated = cast.filter((c) => c.release_date).map((c) => c.release_date!)
    expect(dated).toEqual([...dated].sort().reverse())
    expect(cast.at(-1)!.release_date).toBeNull()
    expect(person.credits.crew).toContainEqual(expect.objectContaining({ id: 9591, title: 'That Thing You Do!', job: 'Director' }))
    expect((await fakeTmdb.stats()).byUrl['/3/person/31?append_to_response=movie_credits&language=en-US']).toBe(1)
    await tmdb.get('/api/v1/people/31')
    expect((await fakeTmdb.stats()).total).toBe(1)
  })

  it("gives the biography in the viewer's language, else English marked as English", async () => {
    const tmdb = tmdbHarness()
    expect((await tmdb.get('/api/v1/people/31?language=es')).json().biography).toMatch(/^Thomas Jeffrey Hanks \(nacido/)
    expect((await tmdb.get('/api/v1/people/31?language=ja')).json().biography).toMatch(/^Thomas Jeffrey Hanks \(born/)
    const arabic = await tmdb.get('/people/31', { headers: { 'Accept-Language': 'ar' } })
    expect(arabic.body).toMatch(/<html lang="ar" dir="rtl"/)
    expect(arabic.body).toContain('<div class="overview biography" lang="en" dir="auto"><p>Thomas Jeffrey Hanks (born')
    expect(arabic.body).toContain('الميلاد')
  })

  it('links a film page director and cast to their pages, keeps ids in the film JSON, and shows a non-Latin name', async () => {
    const tmdb = tmdbHarness()
    const film = (await tmdb.get('/api/v1/movies/129')).json()
    expect(film.cast[0]).toEqual({ id: 19587, name: '柊瑠美', character: '千尋 (voice)', profile_url: `${IMAGE}/w185/hiiragi.jpg` })
    expect(film.crew).toEqual([{ id: 608, name: '宮崎駿', job: 'Director' }])
    const page = await tmdb.get('/movies/129')
    expect(page.body).toContain('<a href="/people/608"><bdi>宮崎駿</bdi></a>')
    expect(page.body).toContain('href="/people/19587"')
    const person = await tmdb.get('/people/19587')
    expect(person.body).toContain('<bdi>柊瑠美</bdi>')
    expect(person.body).toContain('href="/movies/129"')
  })

  it('answers a malformed person id with 400 invalid_id and an unknown one with 404 not_found, as JSON and as pages', async () => {
    const tmdb = tmdbHarness()
    for (const id of ['abc', '0', '-1', '1.5', '3000000000']) {
      const res = await tmdb.get(`/api/v1/people/${id}`)
      expect(res.status, id).toBe(400)
      expect(res.json().error.code, id).toBe('invalid_id')
    }
    const missing = await tmdb.get('/api/v1/people/999999')
    expect(missing.status).toBe(404)
    expect(missing.json().error).toMatchObject({ code: 'not_found', message: 'We could not find that person.' })
    expect((await tmdb.get('/people/abc')).status).toBe(400)
    const page = await tmdb.get('/people/999999')
    expect(page.status).toBe(404)
    expect(page.body).toContain('We could not find that person.')
  })

  it('lists up to four people whose names hold every query word above the films, on the page and in the live fragment, cached like films', async () => {
    const tmdb = tmdbHarness()
    const toms = await tmdb.get('/search?q=tom')
    const people = hrefs(toms.body, '/people/')
    expect(people).toHaveLength(4)
    // Above the films: a query that finds both (the film "Amélie" and the writer Amélie Nothomb).
    const both = await tmdb.get('/search?q=am%C3%A9lie')
    const [heading, grid] = [both.body.indexOf('id="people-heading"'), both.body.indexOf('class="grid"')]
    expect(hrefs(both.body, '/people/')).toEqual(['/people/77701'])
    expect(heading).toBeGreaterThanOrEqual(0)
    expect(grid).toBeGreaterThan(heading)
    // Sally Field goes by a name with both words, but her name has neither: TMDB's loose match is not ours.
    const hanks = await tmdb.get('/search?q=tom%20hanks', { headers: { 'HX-Request': 'true' } })
    expect(hrefs(hanks.body, '/people/')).toEqual(['/people/31'])
    expect(hanks.body).not.toContain('<html')
    expect(hanks.body).toContain('>Tom Hanks</span>')
    await tmdb.get('/search?q=tom%20hanks')
    // tom, amélie and tom hanks asked TMDB once each: the second "tom hanks" came from KV.
    const stats = await fakeTmdb.stats()
    expect(stats.byPath['/3/search/person']).toBe(3)
    // One letter is too little to look people up.
    await tmdb.get('/search?q=t')
    expect((await fakeTmdb.stats()).byPath['/3/search/person']).toBe(3)
  })
})

describe('people on the bundled catalog', () => {
  const BASE = 'https://flix.test'
  const get = (path: string, init?: RequestInit) => SELF.fetch(`${BASE}${path}`, init)

  it("gives a film's director an id clear of film ids, and the director's page lists their bundled films newest first", async () => {
    const search = (await (await get('/api/v1/movies/search?q=inception')).json()) as { results: { id: number; title: string }[] }
    const inception = search.results.find((m) => m.title === 'Inception')!
    const film = (await (await get(`/api/v1/movies/${inception.id}`)).json()) as { crew: { id: number; name: string; job: string }[] }
    expect(film.crew).toEqual([{ id: expect.any(Number), name: 'Christopher Nolan', job: 'Director' }])
    const id = film.crew[0]!.id
    expect(id).toBeGreaterThanOrEqual(1_000_000_000)
    expect(id).toBeLessThan(2 ** 31)

    const person = (await (await get(`/api/v1/people/${id}`)).json()) as { name: string; profile_url: null; biography: string; credits: { cast: unknown[]; crew: { title: string; job: string; release_date: string }[] } }
    expect(person).toMatchObject({ name: 'Christopher Nolan', profile_url: null, biography: '', known_for: 'Directing', credits: { cast: [] } })
    expect(person.credits.crew.map((c) => c.title)).toEqual(['Inception', 'The Dark Knight', 'The Prestige', 'Batman Begins', 'Insomnia', 'Memento', 'Following'])
    expect(person.credits.crew.every((c) => c.job === 'Director')).toBe(true)

    const filmPage = await (await get(`/movies/${inception.id}`)).text()
    expect(filmPage).toContain(`<a href="/people/${id}"><bdi>Christopher Nolan</bdi></a>`)
    const page = await get(`/people/${id}`, { headers: { 'Accept-Language': 'ar' } })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toMatch(/<html lang="ar" dir="rtl"/)
    expect(html).toContain(`href="/movies/${inception.id}"`)
    expect(html).toContain('الإخراج')
    expect((await get('/api/v1/people/1000000000')).status).toBe(404)
  })

  it('lists directors among the search results', async () => {
    const html = await (await get('/search?q=christopher%20nolan')).text()
    expect(html).toContain('id="people-heading"')
    expect(html).toMatch(/href="\/people\/\d{10}"/)
  })
})
