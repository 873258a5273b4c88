import { createExecutionContext, env, SELF } from '@test/runtime'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { profileKey } from '../../src/accounts/keys'
import { bundledFilm } from '../../src/catalog/bundled'
import type { Env } from '../../src/config'
import { registeredLocales, registerLocale, unregisterLocale } from '../../src/i18n/locales'
import { FIXED_REGIONS } from '../../src/where-to-watch/providers'
import { regionName } from '../../views/format'
import { en } from '../../src/i18n/messages/en'
import { createTranslator } from '../../src/i18n/translator'
import type { NewNotification } from '../../src/notifications/store'
import { api, form, ORIGIN, sessionCookieOf, signUp, type TestUser } from '../support/harness/accounts'
import { brokenCatalogApp } from '../support/harness/services'
import { aws, store } from '../support/harness/notifications'
import { pseudoCatalogue, unmarkedText } from '../support/harness/pseudo-locale'

/**
 * Every page and fragment in a generated locale whose every message is marked (accented, bracketed,
 * longer): any visible text that is neither a marked message nor fixture data fails, quoted. The
 * fixtures exempt are computed from the data the test made or the page links to (film titles,
 * directors, ratings codes, runtimes, the user's name and review, dates as the locale's Intl
 * writes them, language names, the brand), never by element. Pages are found by crawling: every
 * same-site link and htmx fragment of the seed pages, one URL per route shape, anonymous and signed in.
 */
const PSEUDO = 'en-XA'
const t = () => createTranslator(PSEUDO)

interface Shown {
  url: string
  status: number
  html: string
  requestId: string
}

async function fetchPage(url: string, init: { cookie?: string; fragment?: boolean } = {}): Promise<Shown> {
  const headers: Record<string, string> = { Cookie: [init.cookie && `session=${init.cookie}`, `lang=${PSEUDO}`].filter(Boolean).join('; ') }
  if (init.fragment) headers['HX-Request'] = 'true'
  const res = await SELF.fetch(`${ORIGIN}${url}`, { headers, redirect: 'manual' })
  return { url, status: res.status, html: await res.text(), requestId: res.headers.get('X-Request-Id') ?? '' }
}

/** A bundled film's text a page may show unmarked, as the pseudo-locale writes its facts. */
function filmText(id: number): string[] {
  const film = bundledFilm(id)
  return film ? [film.title, film.director ?? '', film.mpaa ?? '', t().runtime(film.runtime) ?? ''] : []
}

/** Fixture text a page may show unmarked: the films it names by id (links, form values, data attributes). */
function filmFixtures(html: string): string[] {
  return [...new Set([...html.matchAll(/\b(\d{6,10})\b/g)].map((m) => Number(m[1])))].flatMap(filmText)
}

/** Intl's own words in the pseudo-locale's lists ("Action, Comedy and Drama"), the language menu's names and Intl's region names. */
function localeFixtures(): string[] {
  // The brand is not translated (the header and footer write it in capitals).
  const words: string[] = [en['brand.name'], en['brand.name'].toUpperCase(), ...registeredLocales().map((locale) => locale.name)]
  // The region menu names regions through Intl (views/format.ts), as the language menu names languages in themselves.
  words.push(...FIXED_REGIONS.map((code) => regionName(code, t().info.intl)))
  for (const type of ['conjunction', 'disjunction', 'unit'] as const) {
    for (const part of new Intl.ListFormat(t().info.intl, { type }).formatToParts(['a', 'b', 'c'])) if (part.type === 'literal') words.push(part.value.trim())
  }
  return words
}

/** Same-site pages and fragments a page links to, by route shape (ids and query values folded). */
function linksOf(html: string): { url: string; fragment: boolean }[] {
  const found: { url: string; fragment: boolean }[] = []
  for (const [, attr, url] of html.matchAll(/\s(href|hx-get)="(\/[^"#]*)"/g)) {
    const path = (url ?? '').replace(/&amp;/g, '&')
    if (/^\/(api|images|assets|vendor|icons)\/|\.(png|svg|js|json|webmanifest|css|ico)(\?|$)|^\/(sw\.js|logout)/.test(path)) continue
    found.push({ url: path, fragment: attr === 'hx-get' })
  }
  return found
}

const shapeOf = (url: string, fragment: boolean) =>
  `${fragment ? 'HX ' : ''}${url.replace(/\/\d+/g, '/:id').replace(/=[^&]*/g, '=')}`

async function crawl(seeds: string[], cookie?: string): Promise<Shown[]> {
  const seen = new Set<string>()
  const pages: Shown[] = []
  const queue = seeds.map((url) => ({ url, fragment: false }))
  while (queue.length > 0) {
    const next = queue.shift()!
    const shape = shapeOf(next.url, next.fragment)
    if (seen.has(shape)) continue
    seen.add(shape)
    const page = await fetchPage(next.url, { cookie, fragment: next.fragment })
    pages.push({ ...page, url: shape })
    // One level of links from the seeds (the site's pages), every fragment they load.
    if (seeds.includes(next.url)) queue.push(...linksOf(page.html))
    else queue.push(...linksOf(page.html).filter((link) => link.fragment))
  }
  return pages
}

function expectAllMarked(pages: Shown[], fixtures: string[]) {
  const base = [...localeFixtures(), ...fixtures]
  const problems = pages.flatMap((page) => unmarkedText(page.html, [...base, ...filmFixtures(page.html), page.requestId]).map((text) => `${page.url} (${page.status}): "${text}"`))
  expect(problems).toEqual([])
}

beforeAll(() => {
  registerLocale({ code: PSEUDO, name: '[Éñĝļîšĥ]', dir: 'ltr', intl: 'en-GB', tmdb: 'en-US', messages: pseudoCatalogue() })
})
afterAll(() => unregisterLocale(PSEUDO))

describe(`every page and fragment in the pseudo-locale ${PSEUDO}`, { timeout: 180_000 }, () => {
  it('shows only marked messages and fixture data to a visitor, error pages and form errors included', async () => {
    const pages = await crawl(['/', '/search', '/search?q=zzqxv', '/signup', '/login', '/forgot', '/offline'])
    const film = /href="\/movies\/(\d+)"/.exec(pages[0]!.html)?.[1]
    const title = bundledFilm(Number(film))?.title
    expect(title).toBeDefined()
    pages.push(...(await crawl([`/movies/${film}`, `/search?q=${encodeURIComponent(title!)}`, '/genres/28?page=2', `/movies/${film}/reviews`])))
    // The site's own pages render (a broken route would show a fully marked error page and pass unnoticed).
    expect(pages.filter((page) => page.status >= 400).map((page) => `${page.status} ${page.url}`)).toEqual([])
    for (const url of ['/no-such-page', '/genres/abc', '/genres/28?page=abc', '/reset?token=unknown', '/verify?token=unknown', '/unsubscribe?token=unknown', `/movies/${film}/trailer`]) {
      pages.push(await fetchPage(url))
    }
    expect(pages.find((page) => page.url === '/genres/:id?page=')?.status ?? 422).toBe(200)

    const cookie = { Cookie: `lang=${PSEUDO}` }
    const crashed = await brokenCatalogApp().fetch(new Request(`${ORIGIN}/`, { headers: cookie }), env as unknown as Env, createExecutionContext())
    expect(crashed.status).toBe(500)
    pages.push({ url: '500', status: crashed.status, html: await crashed.text(), requestId: crashed.headers.get('X-Request-Id') ?? '' })
    for (const [path, fields] of [
      ['/signup', { email: 'not-an-email', password: 'short', display_name: '\u202e' }],
      ['/login', { email: 'nobody@example.com', password: 'wrong password' }],
      ['/forgot', { email: '' }],
    ] as const) {
      const res = await form(path, fields, { headers: cookie })
      pages.push({ url: `POST ${path}`, status: res.status, html: await res.text(), requestId: res.headers.get('X-Request-Id') ?? '' })
    }
    expect(pages.map((page) => page.url)).toEqual(
      expect.arrayContaining(['/', '/search', '/signup', '/login', '/forgot', '/offline', '/genres/:id', '/movies/:id', '/movies/:id/reviews', 'HX /search', 'HX /home/rows?from=', 'HX /genres/:id?page=']),
    )
    expectAllMarked(pages, ['zzqxv', title!, 'nobody@example.com', 'not-an-email', 'abc'])
  })

  it('shows only marked messages and fixture data to a signed-in user: home, profile, list, notifications, reviews, picks', async () => {
    const user: TestUser = await signUp({ display_name: 'Zyx Qwv' })
    const session = sessionCookieOf(await form('/login', { email: user.email, password: user.password }))!
    // The pseudo-locale is not one of the six languages an API client may choose: stored as a test would.
    await aws.db.update(aws.table, profileKey(user.user.id), { update: 'SET #l = :l', names: { '#l': 'language' }, values: { ':l': PSEUDO } })

    const { results: films } = (await (await SELF.fetch(`${ORIGIN}/api/v1/movies/popular`)).json()) as { results: { id: number }[] }
    const [listed, rated, other] = films
    expect((await api(`/me/watchlist/${listed!.id}`, { method: 'PUT', token: user.token })).status).toBe(201)
    const review = 'Zqx wrote this review'
    expect((await api(`/movies/${rated!.id}/reviews`, { method: 'PUT', token: user.token, body: { rating: 9, text: review } })).status).toBe(201)
    const inputs: NewNotification[] = [
      { type: 'welcome', template: 'welcome', params: {} },
      { type: 'security', template: 'security.email_changed', params: {} },
      { type: 'recommendation', template: 'recommendation.rated', params: { rated_movie_id: rated!.id, rating: 9 }, movie_id: other!.id },
      { type: 'release', template: 'release.listed', params: { release_date: '2026-01-02' }, movie_id: listed!.id },
      { type: 'release', template: 'release.genre', params: { genre_id: 28, release_date: '2026-01-03' }, movie_id: other!.id },
    ]
    for (const input of inputs) await aws.db.transactWrite([store.putEntry(await store.build(user.user.id, input))])

    const pages = await crawl(['/', '/profile', '/watchlist', '/notifications', '/picks', '/welcome/picks', `/movies/${rated!.id}`, `/movies/${listed!.id}`, `/movies/${rated!.id}/reviews`], session)
    pages.push(await fetchPage('/home/picks', { cookie: session, fragment: true }))
    expect(pages.filter((page) => page.status >= 400).map((page) => `${page.status} ${page.url}`)).toEqual([])
    for (const [path, fields] of [
      [`/movies/${rated!.id}/reviews`, { rating: '11', text: 'Zqx draft' }],
      ['/profile', { display_name: '', language: 'en', email: '' }],
      [`/watchlist/${other!.id}`, {}],
    ] as const) {
      const res = await form(path, fields, { cookie: session, headers: { 'HX-Request': 'true' } })
      pages.push({ url: `POST ${path}`, status: res.status, html: await res.text(), requestId: res.headers.get('X-Request-Id') ?? '' })
    }
    expect(pages.find((page) => page.url === '/profile')?.html).toContain('lang="en-XA"')
    expect(pages.map((page) => page.url)).toEqual(
      expect.arrayContaining(['/', '/profile', '/watchlist', '/notifications', '/picks', '/welcome/picks', '/movies/:id', '/movies/:id/reviews', 'HX /notifications/bell']),
    )

    // Dates the pages show, as the pseudo-locale's Intl writes them: notifications' times, the review's day, release days.
    const notes = (await (await api('/me/notifications', { token: user.token })).json()) as { results: { created_at: string }[] }
    const reviews = (await (await api(`/movies/${rated!.id}/reviews`)).json()) as { results: { updated_at: string }[] }
    const dates = [
      ...notes.results.flatMap((n) => [t().dateTime(n.created_at) ?? '', t().date(n.created_at)]),
      ...reviews.results.map((r) => t().date(r.updated_at)),
      t().date('2026-01-02'),
      t().date('2026-01-03'),
    ]
    // The account menu shows the name's initial.
    expectAllMarked(pages, ['Zyx Qwv', 'Z', review, 'Zqx draft', user.email, ...dates, ...films.flatMap((f) => filmText(f.id))])
  })

  it('catches a planted hard-coded string, quoting it', () => {
    const planted = '<main><h1>[Ŵéļçöɱé···]</h1><p>Coming soon</p><img alt="Poster" src="/x.png"><bdi>Heat</bdi></main>'
    expect(unmarkedText(planted, ['Heat'])).toEqual(['Coming soon', 'Poster'])
  })
})
