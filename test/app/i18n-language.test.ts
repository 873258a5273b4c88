import { SELF } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { profileKey } from '../../src/accounts/keys'
import { LANGUAGE_CODES } from '../../src/accounts/types'
import { api, form, ORIGIN, sessionCookieOf, signUp, uniqueEmail, type ErrorJson } from '../support/harness/accounts'
import { testAws } from '../support/harness/aws'

/** Choosing the language: Accept-Language, the language menu (POST /language), and User.language's six codes. */

const page = async (path: string, headers: Record<string, string> = {}) => {
  const res = await SELF.fetch(`${ORIGIN}${path}`, { headers, redirect: 'manual' })
  return { status: res.status, html: await res.text() }
}

describe('the language of a page', () => {
  it('follows Accept-Language: fr-CA gets French, Arabic gets a right-to-left page', async () => {
    const french = await page('/', { 'Accept-Language': 'fr-CA,fr;q=0.9' })
    expect(french.html).toContain('<html lang="fr" dir="ltr">')
    expect(french.html).toContain('Tendances actuelles')
    const arabic = await page('/', { 'Accept-Language': 'ar' })
    expect(arabic.html).toContain('<html lang="ar" dir="rtl">')
    expect(arabic.html).toContain('الرائج الآن')
    // The menu names each language in itself, marked with its own lang.
    expect(arabic.html).toContain('<option value="ja" lang="ja" dir="ltr">日本語</option>')
    expect(arabic.html).toContain('<option value="de" lang="de" dir="ltr">Deutsch</option>')
  })
})

describe('the language of public catalog JSON', () => {
  it('follows Accept-Language and ?language, never the pages\' lang cookie: shared caches key it on Accept-Language (audit 3, L6)', async () => {
    const genres = async (headers: Record<string, string>, query = '') => {
      const res = await SELF.fetch(`${ORIGIN}/api/v1/genres${query}`, { headers })
      return { vary: res.headers.get('vary'), first: ((await res.json()) as { genres: { id: number; name: string }[] }).genres.find((g) => g.id === 18)!.name }
    }
    const english = await genres({ 'Accept-Language': 'en' })
    expect(english.first).toBe('Drama')
    expect(english.vary).toContain('Accept-Language')
    expect((await genres({ 'Accept-Language': 'en', Cookie: 'lang=ar' })).first).toBe('Drama')
    expect((await genres({ 'Accept-Language': 'en', Cookie: 'lang=ar' }, '?language=ja')).first).toBe('ドラマ')
  })
})

describe('POST /language', () => {
  it('switches an anonymous visitor for a year and goes back to the page they were on', async () => {
    const res = await form('/language', { language: 'de' }, { headers: { Referer: `${ORIGIN}/search?q=heat` } })
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/search?q=heat')
    const cookie = res.headers.get('Set-Cookie') ?? ''
    expect(cookie).toMatch(/^lang=de;/)
    expect(cookie).toContain('Max-Age=31536000')
    expect(cookie).toContain('Path=/')
    const german = await page('/', { Cookie: 'lang=de', 'Accept-Language': 'fr' })
    expect(german.html).toContain('<html lang="de" dir="ltr">')
    // `next` wins, and only a same-site path is followed.
    const next = await form('/language', { language: 'ja', next: '/genres/18' })
    expect(next.headers.get('Location')).toBe('/genres/18')
    const away = await form('/language', { language: 'ja', next: 'https://evil.example/' })
    expect(away.headers.get('Location')).toBe('/')
  })

  it('refuses a language outside the six, and a post from another site', async () => {
    const bad = await form('/language', { language: 'sv' })
    expect(bad.status).toBe(422)
    expect(bad.headers.get('Set-Cookie') ?? '').not.toContain('lang=')
    const foreign = await form('/language', { language: 'de' }, { headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' } })
    expect(foreign.status).toBe(403)
  })

  it("sets a signed-in user's language, which then wins over Accept-Language; User.language accepts exactly the six", async () => {
    const { email, password, token, user } = await signUp()
    const session = /session=([^;]+)/.exec((await form('/login', { email, password })).headers.get('Set-Cookie') ?? '')?.[1]
    const res = await form('/language', { language: 'ja', next: '/profile' }, { cookie: session })
    expect(res.status).toBe(303)
    const me = (await (await api('/me', { token })).json()) as { language: string }
    expect(me.language).toBe('ja')
    const japanese = await page('/', { Cookie: `session=${session}`, 'Accept-Language': 'de' })
    expect(japanese.html).toContain('<html lang="ja" dir="ltr">')

    const refused = await api('/me', { method: 'PATCH', token, body: { language: 'sv' } })
    expect(refused.status).toBe(422)
    const body = (await refused.json()) as ErrorJson
    // The allowed values, in a sentence in the user's language (Japanese by now).
    expect(body.error.details).toEqual([{ path: 'language', message: expect.stringContaining(LANGUAGE_CODES.join(', ')) }])
    expect(body.error.details?.[0]?.message).not.toContain('must be one of')
    const openapi = JSON.stringify(await (await api('/openapi.json')).json())
    expect(openapi).toContain(`"enum":${JSON.stringify(LANGUAGE_CODES)}`)

    // A code stored when more were accepted reads as English.
    const { db, table } = testAws()
    await db.update(table, profileKey(user.id), { update: 'SET #l = :l', names: { '#l': 'language' }, values: { ':l': 'sv' } })
    expect(((await (await api('/me', { token })).json()) as { language: string }).language).toBe('en')
  })
})

describe('a new account keeps the language its visitor was using', () => {
  const homeOf = async (cookie: string) => (await page('/', { Cookie: cookie })).html

  it('signs up in Arabic on the form (Accept-Language: ar) and keeps Arabic pages after, whatever the browser says next', async () => {
    const blank = await page('/signup', { 'Accept-Language': 'ar' })
    // The form's language menu starts on the language the visitor is reading.
    expect(blank.html).toMatch(/<option value="ar" lang="ar"[^>]*selected/)
    const res = await form('/signup', { email: uniqueEmail('arabic'), password: 'a long enough password' }, { headers: { 'Accept-Language': 'ar' } })
    expect(res.status).toBe(303)
    const session = sessionCookieOf(res)
    expect(session).toBeDefined()
    expect(await homeOf(`session=${session}`)).toContain('<html lang="ar" dir="rtl">')
  })

  it('signs up over the API with the lang cookie, else Accept-Language, else English; an explicit language wins', async () => {
    const languageOf = async (headers: Record<string, string>, body: Record<string, string> = {}) => {
      const res = await api('/auth/signup', { body: { email: uniqueEmail('lang'), password: 'a long enough password', ...body }, headers })
      expect(res.status).toBe(201)
      return ((await res.json()) as { user: { language: string } }).user.language
    }
    expect(await languageOf({ 'Accept-Language': 'ar' })).toBe('ar')
    expect(await languageOf({ 'Accept-Language': 'ar', Cookie: 'lang=ja' })).toBe('ja')
    expect(await languageOf({ 'Accept-Language': 'pt-BR' })).toBe('en')
    expect(await languageOf({ 'Accept-Language': 'ar' }, { language: 'de' })).toBe('de')
  })
})

describe('genre order', () => {
  it('is the same in every language: by genre, not by its translated name', async () => {
    // The genre rows shown, then the genres still to load (their links, in row order).
    const genreOrder = async (language: string) => {
      const html = (await page('/', { 'Accept-Language': language })).html
      const rows = [...html.matchAll(/id="row-genre-(\d+)"/g)].map((m) => Number(m[1]))
      const lazy = [...(/<div class="lazy-rows"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '').matchAll(/href="\/genres\/(\d+)"/g)].map((m) => Number(m[1]))
      return [...rows, ...lazy]
    }
    const english = await genreOrder('en')
    // Action and Comedy lead the rows, as on a streaming home page.
    expect(english.slice(0, 2)).toEqual([28, 35])
    for (const code of LANGUAGE_CODES) expect(await genreOrder(code), code).toEqual(english)
  })
})
