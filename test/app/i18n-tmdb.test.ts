import { beforeEach, describe, expect, it } from 'vitest'
import { fakeTmdb, tmdbHarness } from '../support/harness/tmdb'

/**
 * Film text in the viewer's language with a TMDB credential (the fake answers `language=es-ES` for film 11
 * and the genre list, and has no Japanese overview for film 11).
 */

beforeEach(() => fakeTmdb.reset())

const urlsFor = (byUrl: Record<string, number>, path: string) => Object.keys(byUrl).filter((url) => url.startsWith(`${path}?`))

describe('TMDB in the viewer’s language', () => {
  it('shows the Spanish title, overview and genres, asks TMDB for es-ES, and caches English and Spanish apart', async () => {
    const tmdb = tmdbHarness()
    const spanish = await tmdb.get('/movies/11', { headers: { 'Accept-Language': 'es' } })
    expect(spanish.status).toBe(200)
    expect(spanish.body).toContain('<html lang="es" dir="ltr">')
    expect(spanish.body).toContain('La guerra de las galaxias')
    expect(spanish.body).toContain('La princesa Leia es capturada')
    expect(spanish.body).toContain('Ciencia ficción')
    const english = await tmdb.get('/movies/11', { headers: { 'Accept-Language': 'en' } })
    expect(english.body).toContain('Star Wars')
    expect(english.body).toContain('Princess Leia is captured')
    expect(english.body).not.toContain('La guerra de las galaxias')

    const seen = (await fakeTmdb.stats()).byUrl
    const details = urlsFor(seen, '/3/movie/11')
    expect(details.some((url) => url.includes('language=es-ES') && url.includes('include_image_language=es%2Cnull'))).toBe(true)
    expect(details.some((url) => url.includes('language=en-US'))).toBe(true)
    expect(urlsFor(seen, '/3/genre/movie/list').some((url) => url.includes('language=es-ES'))).toBe(true)

    // Both languages are cached now, each under its own key: no further TMDB calls, and no mix-up.
    const before = (await fakeTmdb.stats()).byPath['/3/movie/11']
    expect((await tmdb.get('/movies/11', { headers: { 'Accept-Language': 'es' } })).body).toContain('La guerra de las galaxias')
    expect((await tmdb.get('/movies/11', { headers: { 'Accept-Language': 'en' } })).body).not.toContain('La guerra de las galaxias')
    expect((await fakeTmdb.stats()).byPath['/3/movie/11']).toBe(before)
  })

  it('falls back to the English overview, marked lang="en", where TMDB has no translation', async () => {
    const { body } = await tmdbHarness().get('/movies/11', { headers: { Cookie: 'lang=ja' } })
    expect(body).toContain('<html lang="ja" dir="ltr">')
    expect(body).toContain('スター・ウォーズ')
    expect(body).toMatch(/<p class="overview" lang="en" dir="auto">Princess Leia is captured/)
  })

  it('answers the JSON API in the language asked for', async () => {
    const tmdb = tmdbHarness()
    const { json } = await tmdb.get('/api/v1/genres?language=es')
    expect(json<{ genres: { id: number; name: string }[] }>().genres.find((g) => g.id === 878)?.name).toBe('Ciencia ficción')
    expect((await tmdb.get('/api/v1/genres?language=sv')).status).toBe(422)
  })
})
