import { SELF } from '@test/runtime'
import { beforeEach, describe, expect, it } from 'vitest'
import { api, form, ORIGIN, signUp, type ErrorJson } from '../support/harness/accounts'
import { fakeTmdb, tmdbHarness } from '../support/harness/tmdb'

/**
 * Where to watch (issue 39): TMDB's watch providers (the fake serves the spec's example for film 11, a rent-only
 * region IS, and none for film 129), grouped per region, with JustWatch's attribution; the region from the URL,
 * the profile, the cookie, Accept-Language; the bundled catalog explaining that the data needs TMDB.
 */

const LOGO = 'https://image.tmdb.org/t/p/w92/'
const BUNDLED_FILM = 937642949 // Beowulf
type Answer = { region: string; link: string | null; attribution: string } & Record<'flatrate' | 'rent' | 'buy' | 'free' | 'ads', { id: number; name: string; logo_url: string | null }[]>

beforeEach(() => fakeTmdb.reset())

describe('GET /api/v1/movies/:id/providers', () => {
  it('groups the offers of two regions from one TMDB call, with logos, names, the region link and the attribution', async () => {
    const tmdb = tmdbHarness()
    const us = await tmdb.get('/api/v1/movies/11/providers?region=US')
    expect(us.status).toBe(200)
    expect(us.headers.get('Cache-Control')).toMatch(/^public/)
    const usOffers = us.json<Answer>()
    expect(usOffers.region).toBe('US')
    expect(usOffers.link).toBe('https://www.themoviedb.org/movie/11-star-wars/watch?locale=US')
    expect(usOffers.attribution).toMatch(/JustWatch/)
    expect(usOffers.rent.map((p) => p.name).slice(0, 2)).toEqual(['Amazon Video', 'Google Play Movies'])
    expect(usOffers.rent[0]).toEqual({ id: 10, name: 'Amazon Video', logo_url: `${LOGO}5NyLm42TmCqCMOZFvH4fcoSNKEW.jpg` })
    expect(usOffers.flatrate.length).toBeGreaterThan(0)

    const de = (await tmdb.get('/api/v1/movies/11/providers?region=de')).json<Answer>()
    expect(de.region).toBe('DE')
    expect(de.flatrate.map((p) => p.name)).toEqual(['Disney Plus', 'Joyn Plus'])
    expect(de.buy[0]?.name).toBe('Apple TV')
    expect(de.link).toContain('locale=DE')

    const es = (await tmdb.get('/api/v1/movies/11/providers?region=ES')).json<Answer>()
    expect(es.ads.length).toBeGreaterThan(0)
    // All regions are one cached entry: the second and third look-ups made no TMDB call.
    expect((await fakeTmdb.stats()).byPath['/3/movie/11/watch/providers']).toBe(1)
  })

  it('answers empty groups and no link for a film without offers, and only rent where that is all there is', async () => {
    const tmdb = tmdbHarness()
    const none = (await tmdb.get('/api/v1/movies/129/providers?region=US')).json<Answer>()
    expect(none).toMatchObject({ region: 'US', link: null, flatrate: [], rent: [], buy: [], free: [], ads: [] })
    expect(none.attribution).toMatch(/JustWatch/)
    const rentOnly = (await tmdb.get('/api/v1/movies/11/providers?region=IS')).json<Answer>()
    expect(rentOnly.rent).toEqual([{ id: 2, name: 'Apple TV', logo_url: null }])
    expect([rentOnly.flatrate, rentOnly.buy, rentOnly.free, rentOnly.ads]).toEqual([[], [], [], []])
    expect((await tmdb.get('/api/v1/movies/999999/providers?region=US')).status).toBe(404)
  })

  it('rejects a region that is not ISO 3166-1 alpha-2 (region=usa) with 422 validation_failed', async () => {
    const res = await tmdbHarness().get('/api/v1/movies/11/providers?region=usa')
    expect(res.status).toBe(422)
    expect(res.json<ErrorJson>().error.code).toBe('validation_failed')
    expect(res.json<ErrorJson>().error.details?.[0]?.path).toBe('region')
  })

  it('takes the region from the profile, then the cookie, then Accept-Language, else US; chosen by profile or cookie: private', async () => {
    const tmdb = tmdbHarness()
    const byLanguage = await tmdb.get('/api/v1/movies/11/providers', { headers: { 'Accept-Language': 'fr-CA,fr;q=0.8' } })
    expect(byLanguage.json<Answer>().region).toBe('CA')
    expect(byLanguage.headers.get('Vary')).toMatch(/Accept-Language/)
    expect((await tmdb.get('/api/v1/movies/11/providers')).json<Answer>().region).toBe('US')

    const byCookie = await tmdb.get('/api/v1/movies/11/providers', { headers: { Cookie: 'region=FR', 'Accept-Language': 'de-DE' } })
    expect(byCookie.json<Answer>().region).toBe('FR')
    expect(byCookie.headers.get('Cache-Control')).toMatch(/^private/)
    expect(byCookie.headers.get('Vary')).toMatch(/Cookie/)

    const { token } = await signUp()
    const patched = await api('/me', { method: 'PATCH', token, body: { region: 'jp' } })
    expect(patched.status).toBe(200)
    expect(((await patched.json()) as { region: string }).region).toBe('JP')
    const byProfile = await tmdb.get('/api/v1/movies/11/providers', { headers: { Authorization: `Bearer ${token}`, Cookie: 'region=FR' } })
    expect(byProfile.json<Answer>().region).toBe('JP')
    expect(byProfile.headers.get('Cache-Control')).toMatch(/^private/)
    // The URL still wins over the profile.
    expect((await tmdb.get('/api/v1/movies/11/providers?region=GB', { headers: { Authorization: `Bearer ${token}` } })).json<Answer>().region).toBe('GB')

    expect((await api('/me', { method: 'PATCH', token, body: { region: 'ZZ' } })).status).toBe(422)
    const cleared = await api('/me', { method: 'PATCH', token, body: { region: null } })
    expect(((await cleared.json()) as { region: string | null }).region).toBeNull()
  })

  it('answers the bundled catalog with empty groups (the data needs TMDB)', async () => {
    const res = await SELF.fetch(`${ORIGIN}/api/v1/movies/${BUNDLED_FILM}/providers?region=US`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as Answer
    expect(body).toMatchObject({ region: 'US', link: null, flatrate: [], rent: [], buy: [] })
    expect(body.attribution).toMatch(/JustWatch/)
    expect((await SELF.fetch(`${ORIGIN}/api/v1/movies/123/providers`)).status).toBe(404)
  })
})

describe('where to watch on the film page', () => {
  it('defers the providers to a fragment whose URL names the resolved region, with a plain link for no-JS', async () => {
    const tmdb = tmdbHarness()
    const page = await tmdb.get('/movies/11', { headers: { 'Accept-Language': 'de-DE' } })
    expect(page.status).toBe(200)
    expect(page.body).toMatch(/<div id="providers-body"[^>]*hx-get="\/movies\/11\/providers\?region=DE" hx-trigger="load"/)
    expect(page.body).toContain('<a href="/movies/11/providers?region=DE">')
    // The first byte did not wait on the providers.
    expect((await fakeTmdb.stats()).byPath['/3/movie/11/watch/providers']).toBeUndefined()

    const fragment = await tmdb.get('/movies/11/providers?region=DE', { headers: { 'HX-Request': 'true' } })
    expect(fragment.status).toBe(200)
    expect(fragment.body).toMatch(/^<div id="providers-body"/)
    expect(fragment.body).toContain('<h3 id="providers-flatrate">Stream</h3>')
    expect(fragment.body).toMatch(/<img src="https:\/\/image\.tmdb\.org\/t\/p\/w92\/[^"]+" alt=""[^>]*><bdi>Disney Plus<\/bdi>/)
    expect(fragment.body).toContain('href="https://www.themoviedb.org/movie/11-star-wars/watch?locale=DE"')
    expect(fragment.body).toMatch(/Availability data by <a href="https:\/\/www\.justwatch\.com"[^>]*>JustWatch<\/a>/)

    const none = await tmdb.get('/movies/129/providers?region=US', { headers: { 'HX-Request': 'true' } })
    expect(none.body).toContain('No streaming, rental or purchase offers in United States.')
    const arabic = await tmdb.get('/movies/11/providers?region=IS', { headers: { 'HX-Request': 'true', Cookie: 'lang=ar' } })
    expect(arabic.body).toContain('استئجار')
    expect(arabic.body).not.toContain('providers-flatrate')

    const withoutJs = await tmdb.get('/movies/11/providers?region=DE')
    expect(withoutJs.body).toMatch(/<html lang="en" dir="ltr"/)
    expect(withoutJs.body).toContain('Where to watch <bdi>Star Wars</bdi>')
  })

  it('says with the bundled catalog that provider data needs TMDB, and the region menu sets the cookie', async () => {
    const fragment = await SELF.fetch(`${ORIGIN}/movies/${BUNDLED_FILM}/providers?region=US`, { headers: { 'HX-Request': 'true' } })
    expect(await fragment.text()).toContain('Where to watch needs TMDB')
    const page = await SELF.fetch(`${ORIGIN}/movies/${BUNDLED_FILM}`, { headers: { Cookie: 'region=BR' } })
    const html = await page.text()
    expect(html).toContain(`hx-get="/movies/${BUNDLED_FILM}/providers?region=BR"`)
    expect(html).toMatch(/<option value="BR" selected="">/)

    const set = await SELF.fetch(`${ORIGIN}/region`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, Referer: `${ORIGIN}/movies/${BUNDLED_FILM}` },
      body: 'region=JP',
      redirect: 'manual',
    })
    expect(set.status).toBe(303)
    expect(set.headers.get('Location')).toBe(`/movies/${BUNDLED_FILM}`)
    expect(set.headers.get('Set-Cookie')).toMatch(/^region=JP; Max-Age=31536000; Path=\//)
  })

  it('lets a signed-in viewer choose the region on the profile page ("Automatic" clears it)', async () => {
    const { token, user } = await signUp()
    const page = await (await SELF.fetch(`${ORIGIN}/profile`, { headers: { Cookie: `session=${token}` } })).text()
    expect(page).toMatch(/<select id="field-region" name="region"[^>]*><option value="" selected="">Automatic<\/option>/)
    const fields = { display_name: user.display_name, language: 'en', email: user.email, region: 'DE' }
    expect((await form('/profile', fields, { cookie: token })).status).toBe(303)
    expect(((await (await api('/me', { token })).json()) as { region: string }).region).toBe('DE')
    // The profile wins over the cookie, so the region menu changes the profile's region too.
    expect((await form('/region', { region: 'AT' }, { cookie: token })).status).toBe(303)
    expect(((await (await api('/me', { token })).json()) as { region: string }).region).toBe('AT')
    expect((await form('/profile', { ...fields, region: 'QQ' }, { cookie: token })).status).toBe(422)
    expect((await form('/profile', { ...fields, region: '' }, { cookie: token })).status).toBe(303)
    expect(((await (await api('/me', { token })).json()) as { region: string | null }).region).toBeNull()
  })
})
