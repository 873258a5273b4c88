import { createExecutionContext, env, SELF } from '@test/runtime'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Catalogue } from '../../src/i18n/catalogue'
import { localeInfo, registerLocale, unregisterLocale } from '../../src/i18n/locales'
import { createTranslator } from '../../src/i18n/translator'
import type { Env } from '../../src/config'
import type { NewNotification } from '../../src/notifications/store'
import { api, form, ORIGIN, signUp } from '../support/harness/accounts'
import { brokenCatalogApp } from '../support/harness/services'
import { aws, store } from '../support/harness/notifications'
import { en } from '../../src/i18n/messages/en'
import { LANGUAGE_CODES } from '../../src/accounts/types'
import { englishFragments, englishLeftIn, pseudoCatalogue } from '../support/harness/pseudo-locale'

/**
 * Every page in every language shows none of the English catalogue's text (words a language shares with
 * English, like "Drama", aside). The pseudo-locale `en-XA` is registered at run time: it proves the seam
 * (one catalogue, one registry call) and that a literal left in a view fails here. The five real
 * languages run the same pages, and the signed-in pages as a user whose `language` is that language.
 */
const PSEUDO = 'en-XA'
/** Every UI language but English, from the registry: a new language is tested without touching this file. */
const REAL = LANGUAGE_CODES.filter((code) => code !== 'en')

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await SELF.fetch(`${ORIGIN}${path}`, { headers, redirect: 'manual' })
  return { status: res.status, headers: res.headers, html: await res.text() }
}

const catalogueOf = (code: string): Catalogue => localeInfo(code).messages

function expectNoEnglish(html: string, code: string) {
  expect(html).toContain(`<html lang="${code}" dir="${localeInfo(code).dir}">`)
  expect(englishLeftIn(html, englishFragments(catalogueOf(code)))).toEqual([])
}

beforeAll(() => {
  registerLocale({ code: PSEUDO, name: '[Éñĝļîšĥ]', dir: 'ltr', intl: 'en-GB', tmdb: 'en-US', messages: pseudoCatalogue() })
})
afterAll(() => unregisterLocale(PSEUDO))

describe.each([PSEUDO, ...REAL])('the site in %s', { timeout: 120_000 }, (code) => {
  it('renders home, a film, search, a genre, the search fragment, 404, 500 and sign-up errors with no English left', async () => {
    const cookie = { Cookie: `lang=${code}` }
    // Home by Accept-Language; the rest by the lang cookie.
    const home = await get('/', { 'Accept-Language': `${code},en;q=0.5` })
    expect(home.status).toBe(200)
    expect(home.headers.get('Vary')).toMatch(/Accept-Language/)
    expect(home.headers.get('Vary')).toMatch(/Cookie/)
    expect(home.html).toContain(catalogueOf(code)['home.row.trending'])
    expectNoEnglish(home.html, code)

    const id = /href="\/movies\/(\d+)"/.exec(home.html)?.[1]
    const film = await get(`/movies/${id}`, cookie)
    expect(film.status).toBe(200)
    expectNoEnglish(film.html, code)

    const search = await get('/search?q=zzqxv', cookie)
    expect(search.status).toBe(200)
    expectNoEnglish(search.html, code)
    const genre = /href="(\/genres\/\d+)"/.exec(search.html)?.[1]
    expectNoEnglish((await get(genre as string, cookie)).html, code)
    const fragment = await get('/search?q=the', { ...cookie, 'HX-Request': 'true' })
    expect(fragment.status).toBe(200)
    expect(englishLeftIn(fragment.html, englishFragments(catalogueOf(code)))).toEqual([])

    const missing = await get('/no-such-page', cookie)
    expect(missing.status).toBe(404)
    expectNoEnglish(missing.html, code)
    const json = await SELF.fetch(`${ORIGIN}/api/v1/movies/1234`, { headers: { 'Accept-Language': code } })
    const body = (await json.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('movie_not_found')
    expect(body.error.message).toBe(createTranslator(code)('errors.movie_not_found'))

    const crashed = await brokenCatalogApp().fetch(new Request(`${ORIGIN}/`, { headers: cookie }), env as unknown as Env, createExecutionContext())
    expect(crashed.status).toBe(500)
    expectNoEnglish(await crashed.text(), code)

    const signup = await form('/signup', { email: 'not-an-email', password: 'short' }, { headers: cookie })
    expect(signup.status).toBe(422)
    const signupHtml = await signup.text()
    expect(signupHtml).toContain('aria-invalid="true"')
    expectNoEnglish(signupHtml, code)
  })
})

describe('signed-in pages follow the user’s language', { timeout: 120_000 }, () => {
  it('renders profile, My List and notifications in each language, whatever Accept-Language and the cookie say', async () => {
    // Signed up in English; the notifications are stored ({template, params}) while the language is en.
    const { email, password, user, token } = await signUp({ display_name: 'Zyx Qwv', language: 'en' })
    const { results: films } = (await (await SELF.fetch(`${ORIGIN}/api/v1/movies/popular`)).json()) as { results: { id: number }[] }
    const inputs: NewNotification[] = [
      { type: 'welcome', template: 'welcome', params: {} },
      { type: 'security', template: 'security.password_changed', params: {} },
      { type: 'recommendation', template: 'recommendation.rated', params: { rated_movie_id: films[1]!.id, rating: 9 }, movie_id: films[0]!.id },
      { type: 'release', template: 'release.listed', params: { release_date: '2026-01-02' }, movie_id: films[2]!.id },
    ]
    for (const input of inputs) await aws.db.transactWrite([store.putEntry(await store.build(user.id, input))])
    const session = /session=([^;]+)/.exec((await form('/login', { email, password })).headers.get('Set-Cookie') ?? '')?.[1]
    expect(session).toBeDefined()
    const english = await get('/notifications', { Cookie: `session=${session}` })
    expect(english.html).toContain(en['notification.releaseListed.bodyDated'].split('{date}')[0])

    for (const code of REAL) {
      expect((await api('/me', { method: 'PATCH', token, body: { language: code } })).status).toBe(200)
      for (const path of ['/profile', '/watchlist', '/notifications']) {
        const { status, html } = await get(path, { Cookie: `session=${session}; lang=en`, 'Accept-Language': 'en' })
        expect(status, `${code} ${path}`).toBe(200)
        expectNoEnglish(html, code)
        // The release notice written in English reads in the user's language now.
        if (path === '/notifications') {
          expect(html).toContain(catalogueOf(code)['notifications.kind.release'])
          expect(html).toContain((catalogueOf(code)['notification.releaseListed.bodyDated'] as string).split('{date}')[0])
        }
      }
    }
  })
})
