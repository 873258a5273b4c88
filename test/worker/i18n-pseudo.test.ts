import { SELF } from 'cloudflare:test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerLocale, unregisterLocale } from '../../src/i18n/locales'
import type { NewNotification } from '../../src/notifications/store'
import { form, ORIGIN, signUp } from './support/accounts'
import { aws, store } from './support/notifications'
import { en } from '../../src/i18n/messages/en'
import { englishLeftIn, pseudoCatalogue, pseudoTemplate } from './support/pseudo-locale'

/**
 * A throwaway pseudo-locale proves the seam: one catalogue (generated from English) and one
 * registry call, and every page below must show none of the English catalogue's text. A view
 * that keeps a literal fails here.
 */
const PSEUDO = 'en-XA'

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await SELF.fetch(`${ORIGIN}${path}`, { headers, redirect: 'manual' })
  return { status: res.status, headers: res.headers, html: await res.text() }
}

function expectNoEnglish(html: string) {
  expect(html).toContain(`<html lang="${PSEUDO}" dir="ltr">`)
  expect(englishLeftIn(html)).toEqual([])
}

describe('a pseudo-locale registered at run time', { timeout: 120_000 }, () => {
  beforeAll(() => {
    registerLocale({ code: PSEUDO, name: '[Éñĝļîšĥ]', dir: 'ltr', intl: 'en-GB', tmdb: 'en-US', messages: pseudoCatalogue() })
  })
  afterAll(() => unregisterLocale(PSEUDO))

  it('renders the home page with no English left, chosen by Accept-Language', async () => {
    const { status, headers, html } = await get('/', { 'Accept-Language': `${PSEUDO},en;q=0.5` })
    expect(status).toBe(200)
    expect(headers.get('Vary')).toMatch(/Accept-Language/)
    expect(headers.get('Vary')).toMatch(/Cookie/)
    expect(html).toContain(pseudoTemplate(en['home.row.trending']))
    expectNoEnglish(html)
  })

  it('renders a film page with no English left, chosen by the lang cookie', async () => {
    const home = await get('/', { Cookie: `lang=${PSEUDO}` })
    const id = /href="\/movies\/(\d+)"/.exec(home.html)?.[1]
    expect(id).toBeDefined()
    const { status, html } = await get(`/movies/${id}`, { Cookie: `lang=${PSEUDO}` })
    expect(status).toBe(200)
    expectNoEnglish(html)
  })

  it('renders the signed-in profile, My List and notifications with no English left (a language with no catalogue falls through to the cookie)', async () => {
    // Swedish is a stored language without a catalogue yet: the lang cookie decides.
    const { email, password, user } = await signUp({ display_name: 'Zyx Qwv', language: 'sv' })
    // Notifications as the consumer stores them ({template, params}): they render in the reader's language.
    const { results: films } = (await (await SELF.fetch(`${ORIGIN}/api/v1/movies/popular`)).json()) as { results: { id: number }[] }
    const inputs: NewNotification[] = [
      { type: 'welcome', template: 'welcome', params: {} },
      { type: 'security', template: 'security.password_changed', params: {} },
      { type: 'recommendation', template: 'recommendation.rated', params: { rated_movie_id: films[1]!.id, rating: 9 }, movie_id: films[0]!.id },
      { type: 'release', template: 'release.listed', params: { release_date: '2026-01-02' }, movie_id: films[2]!.id },
    ]
    for (const input of inputs) await aws.db.transactWrite([store.putEntry(await store.build(user.id, input))])
    const login = await form('/login', { email, password })
    const session = /session=([^;]+)/.exec(login.headers.get('Set-Cookie') ?? '')?.[1]
    expect(session).toBeDefined()
    for (const path of ['/profile', '/watchlist', '/notifications']) {
      const { status, html } = await get(path, { Cookie: `session=${session}; lang=${PSEUDO}` })
      expect(status).toBe(200)
      expectNoEnglish(html)
      if (path === '/notifications') expect(html).toContain(pseudoTemplate(en['notification.welcome.title']))
    }
  })

  it('renders search and genre pages, and the htmx search fragment, with no English left', async () => {
    const cookie = { Cookie: `lang=${PSEUDO}` }
    const search = await get('/search?q=zzqxv', cookie)
    expect(search.status).toBe(200)
    expectNoEnglish(search.html)
    const genre = /href="(\/genres\/\d+)"/.exec(search.html)?.[1]
    expect(genre).toBeDefined()
    expectNoEnglish((await get(genre as string, cookie)).html)
    const fragment = await get('/search?q=the', { ...cookie, 'HX-Request': 'true' })
    expect(fragment.status).toBe(200)
    expect(fragment.headers.get('Vary')).toMatch(/Accept-Language/)
    expect(englishLeftIn(fragment.html)).toEqual([])
    expect(fragment.html).toContain(pseudoTemplate(en['search.count'].other).split('{count}')[1]?.split('{query}')[0])
  })

  it('renders a 404 error page and its JSON twin in the pseudo-locale', async () => {
    const { status, html } = await get('/no-such-page', { Cookie: `lang=${PSEUDO}` })
    expect(status).toBe(404)
    expectNoEnglish(html)
    const api = await SELF.fetch(`${ORIGIN}/api/v1/movies/1234`, { headers: { 'Accept-Language': PSEUDO } })
    expect(api.status).toBe(404)
    const body = (await api.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('movie_not_found')
    expect(body.error.message).not.toContain('could not find')
    expect(body.error.message).toMatch(/^\[Ŵé çöüļđ ñöţ ƒîñđ/)
  })

  it('renders the sign-up form with validation errors and no English left', async () => {
    const res = await form('/signup', { email: 'not-an-email', password: 'short' }, { headers: { Cookie: `lang=${PSEUDO}` } })
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('aria-invalid="true"')
    expectNoEnglish(html)
  })

  it("puts a signed-in user's registered language before the cookie", async () => {
    const { email, password } = await signUp()
    const login = await form('/login', { email, password })
    const session = /session=([^;]+)/.exec(login.headers.get('Set-Cookie') ?? '')?.[1]
    const { html } = await get('/profile', { Cookie: `session=${session}; lang=${PSEUDO}`, 'Accept-Language': PSEUDO })
    expect(html).toContain('<html lang="en" dir="ltr">')
    expect(html).toContain('Your profile')
  })

  it('leaves English visitors with English', async () => {
    const { html } = await get('/', { 'Accept-Language': 'fr-CA,fr;q=0.9' })
    expect(html).toContain('<html lang="en" dir="ltr">')
    expect(html).toContain('Trending now')
  })
})
