import { SELF } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { ORIGIN, api, form, signUp, type ErrorJson } from '../support/harness/accounts'
import type { FilmJson } from '../support/harness/films'
import { events } from '../../src/events/schema'
import { aws, drain, envelope, notificationsOf, privateQueue } from '../support/harness/notifications'

type Pick = FilmJson & { reason: string; source: string; because: { id: number; title: string } | null }

const SCI_FI = 878
const THRILLER = 53

const page = (path: string, cookie: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${ORIGIN}${path}`, { headers: { Accept: 'text/html', Cookie: `session=${cookie}`, ...headers }, redirect: 'manual' })

async function genreFilms(genreId: number, pageNo = 1): Promise<FilmJson[]> {
  const res = await api(`/genres/${genreId}/movies?page=${pageNo}`)
  expect(res.status).toBe(200)
  return ((await res.json()) as { results: FilmJson[] }).results
}

const picksOf = async (token: string, limit = 20) => {
  const res = await api(`/me/recommendations?limit=${limit}`, { token })
  expect(res.status).toBe(200)
  return ((await res.json()) as { results: Pick[] }).results
}

/** Picks are recomputed after each response (waitUntil): wait until they no longer show what the user just listed or rated. */
async function settledPicks(token: string, excluded: number[], limit = 20): Promise<Pick[]> {
  for (let attempt = 0; ; attempt++) {
    const picks = await picksOf(token, limit)
    if ((picks.length > 0 && !picks.some((pick) => excluded.includes(pick.id)) && picks.some((pick) => pick.source !== 'trending')) || attempt >= 40) return picks
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
}

/** The personal section of the home page (top picks and "because you liked" rows), nothing else. */
const personalSection = (html: string) => {
  const start = html.indexOf('id="personal-rows"')
  if (start < 0) return ''
  const end = html.indexOf('<section class="row"', start)
  return html.slice(start, end < 0 ? undefined : end)
}

describe('recommendations in the product', { timeout: 60_000 }, () => {
  it('lists three science-fiction films and rates a thriller 9: personal rows of mostly sci-fi and thrillers with reasons; a dismissal removes a film everywhere, without JavaScript', async () => {
    const { token } = await signUp()
    const sciFi = (await genreFilms(SCI_FI)).slice(0, 3)
    const thriller = (await genreFilms(THRILLER)).find((film) => !film.genre_ids.includes(SCI_FI))!
    for (const film of sciFi) expect((await api(`/me/watchlist/${film.id}`, { method: 'PUT', token })).status).toBe(201)
    expect((await api(`/movies/${thriller.id}/reviews`, { method: 'PUT', token, body: { rating: 9 } })).status).toBe(201)
    const mine = [...sciFi.map((film) => film.id), thriller.id]

    const picks = await settledPicks(token, mine)
    expect(picks.length).toBeGreaterThanOrEqual(10)
    for (const pick of picks) {
      expect(mine).not.toContain(pick.id)
      expect(pick.reason.length).toBeGreaterThan(0)
      expect(['similar', 'collaborative', 'genre', 'trending']).toContain(pick.source)
    }
    const onTopic = picks.slice(0, 10).filter((pick) => pick.genre_ids.includes(SCI_FI) || pick.genre_ids.includes(THRILLER))
    expect(onTopic.length).toBeGreaterThanOrEqual(6)
    expect(picks.some((pick) => pick.because && mine.includes(pick.because.id) && pick.reason.includes(pick.because.title))).toBe(true)

    const home = await (await page('/', token)).text()
    const personal = personalSection(home)
    expect(personal).toContain('Top picks for you')
    expect(personal).toMatch(/Because you liked /)
    expect(personal).toContain('class="card-reason"')
    expect(personal).toContain('Not interested')
    for (const id of mine) expect(personal).not.toContain(`href="/movies/${id}"`)

    // "Not interested" as a plain form post (no JavaScript): back to the page, gone from every personal row and the API at once.
    const victim = picks[0]!
    const posted = await form(`/movies/${victim.id}/dismiss`, {}, { cookie: token, headers: { Referer: `${ORIGIN}/` } })
    expect(posted.status).toBe(303)
    expect(posted.headers.get('Location')).toBe('/')
    expect((await picksOf(token, 50)).map((pick) => pick.id)).not.toContain(victim.id)
    expect(personalSection(await (await page('/', token)).text())).not.toContain(`href="/movies/${victim.id}"`)
    const filmPage = await (await page(`/movies/${victim.id}`, token)).text()
    expect(filmPage).toContain(`action="/movies/${victim.id}/undismiss"`)

    // Undo from the film page (plain form): the film may be picked again.
    expect((await form(`/movies/${victim.id}/undismiss`, {}, { cookie: token })).status).toBe(303)
    expect(await (await page(`/movies/${victim.id}`, token)).text()).toContain(`action="/movies/${victim.id}/dismiss"`)

    // Dismissals join the export.
    await api(`/me/dismissed/${victim.id}`, { method: 'PUT', token })
    const exported = (await (await api('/me/export', { token })).json()) as Record<string, unknown>
    expect(exported.dismissed).toEqual([expect.objectContaining({ movie_id: victim.id })])
    expect(exported.recent_views).toEqual(expect.arrayContaining([expect.objectContaining({ movie_id: victim.id })]))
  })

  it("answers from the isolate's copy of the picks, yet a dismissal or a new like shows in the very next answer, and only in that user's", async () => {
    const [alice, bob] = [await signUp(), await signUp()]
    const first = await picksOf(alice.token, 10)
    expect(first.length).toBeGreaterThanOrEqual(3)
    // The same answer again (served from what this isolate holds), still private to the caller.
    const again = await api('/me/recommendations?limit=10', { token: alice.token })
    expect(again.headers.get('Cache-Control')).toBe('private, no-store')
    expect(((await again.json()) as { results: Pick[] }).results).toEqual(first)
    const [dismissed, liked] = [first[0]!, first[1]!]
    expect((await picksOf(bob.token, 10)).map((pick) => pick.id)).toContain(dismissed.id)

    expect((await api(`/me/dismissed/${dismissed.id}`, { method: 'PUT', token: alice.token })).status).toBe(204)
    const afterDismissal = (await picksOf(alice.token, 10)).map((pick) => pick.id)
    expect(afterDismissal).not.toContain(dismissed.id)
    expect(afterDismissal).toContain(liked.id)
    expect(personalSection(await (await page('/', alice.token)).text())).not.toContain(`href="/movies/${dismissed.id}"`)
    expect((await api(`/me/watchlist/${liked.id}`, { method: 'PUT', token: alice.token })).status).toBe(201)
    expect((await picksOf(alice.token, 10)).map((pick) => pick.id)).not.toContain(liked.id)
    // Bob's answer is his own: what Alice dismissed or listed is still there.
    expect((await picksOf(bob.token, 10)).map((pick) => pick.id)).toEqual(expect.arrayContaining([dismissed.id, liked.id]))
  })

  it('starts a new user on trending, with the rows loading lazily and a picks page without JavaScript', async () => {
    const { token } = await signUp()
    const home = await (await page('/', token)).text()
    expect(personalSection(home)).toContain('hx-get="/home/picks"')
    expect(personalSection(home)).toContain('href="/picks"')
    const picksPage = await page('/picks', token)
    expect(picksPage.status).toBe(200)
    expect(picksPage.headers.get('Cache-Control')).toContain('private')
    expect(await picksPage.text()).toContain('Top picks for you')
    const picks = await picksOf(token, 5)
    expect(picks).toHaveLength(5)
    expect(picks.every((pick) => pick.source === 'trending' && pick.reason === 'Trending now' && pick.because === null)).toBe(true)
    // Now computed: home shows them inline.
    expect(personalSection(await (await page('/', token)).text())).toContain('Top picks for you')
  })

  it('answers the API per the contract: dismiss and undo with 204, bad input with 4xx, anonymous with 401', async () => {
    const { token } = await signUp()
    const [film] = await genreFilms(SCI_FI, 2)
    expect((await api(`/me/dismissed/${film!.id}`, { method: 'PUT', token })).status).toBe(204)
    expect((await api(`/me/dismissed/${film!.id}`, { method: 'PUT', token })).status).toBe(204)
    expect((await picksOf(token, 50)).map((pick) => pick.id)).not.toContain(film!.id)
    expect((await api(`/me/dismissed/${film!.id}`, { method: 'DELETE', token })).status).toBe(204)
    expect((await api(`/me/dismissed/${film!.id}`, { method: 'DELETE', token })).status).toBe(204)
    // With htmx, a card's "Not interested" swaps the card for a note with its undo, in place.
    const swapped = await form(`/movies/${film!.id}/dismiss`, { from: 'card' }, { cookie: token, headers: { 'HX-Request': 'true' } })
    expect(swapped.status).toBe(200)
    const fragment = await swapped.text()
    expect(fragment).not.toContain('<html')
    expect(fragment).toContain('class="card pick-card dismissed-card"')
    expect(fragment).toContain(`action="/movies/${film!.id}/undismiss"`)
    expect((await picksOf(token, 50)).map((pick) => pick.id)).not.toContain(film!.id)
    expect((await form(`/movies/${film!.id}/undismiss`, { from: 'card' }, { cookie: token, headers: { 'HX-Request': 'true' } })).status).toBe(200)
    // Cross-site form posts are refused (CSRF).
    expect((await form(`/movies/${film!.id}/dismiss`, {}, { cookie: token, headers: { Origin: 'https://evil.example' } })).status).toBe(403)
    expect((await api('/me/dismissed/abc', { method: 'PUT', token })).status).toBe(400)
    expect((await api('/me/dismissed/1234', { method: 'PUT', token })).status).toBe(404)
    for (const limit of ['0', '51', 'x']) {
      const res = await api(`/me/recommendations?limit=${limit}`, { token })
      expect(res.status).toBe(422)
      expect(((await res.json()) as ErrorJson).error.code).toBe('validation_failed')
    }
    expect((await api('/me/recommendations')).status).toBe(401)
    const doc = (await (await api('/openapi.json')).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/me/recommendations', '/api/v1/me/dismissed/{movieId}']))
  })

  it('offers "pick three films you like" after sign-up: skippable, at least three, without JavaScript', async () => {
    const email = `onboard-${crypto.randomUUID().slice(0, 8)}@example.com`
    const signup = await form('/signup', { email, password: 'long enough pass' })
    expect(signup.status).toBe(303)
    expect(signup.headers.get('Location')).toBe('/welcome/picks')
    const cookie = /session=([^;]+)/.exec(signup.headers.get('Set-Cookie') ?? '')![1]!
    const step = await (await page('/welcome/picks', cookie)).text()
    expect(step).toContain('Pick three films you like')
    expect(step).toContain('Skip for now')
    const ids = [...step.matchAll(/name="m(\d+)"/g)].map((m) => m[1]!)
    expect(ids.length).toBeGreaterThanOrEqual(3)
    const tooFew = await form('/welcome/picks', { [`m${ids[0]}`]: '1', next: '/' }, { cookie })
    expect(tooFew.status).toBe(422)
    expect(await tooFew.text()).toContain('Pick at least 3 films.')
    const saved = await form('/welcome/picks', { [`m${ids[0]}`]: '1', [`m${ids[1]}`]: '1', [`m${ids[2]}`]: '1', next: '/' }, { cookie })
    expect(saved.status).toBe(303)
    expect(saved.headers.get('Location')).toBe('/')
    const list = (await (await api('/me/watchlist', { token: cookie })).json()) as { results: { id: number }[] }
    expect(list.results.map((film) => String(film.id)).sort()).toEqual(ids.slice(0, 3).sort())
    expect(await (await page('/profile', cookie)).text()).toContain('href="/welcome/picks?next=%2Fprofile"')
  })

  it('sends at most one recommendation notification a week, however many films the user rates highly', async () => {
    const queue = await privateQueue()
    const { token, user } = await signUp()
    const [a, b, c] = await genreFilms(SCI_FI, 3)
    expect((await api(`/me/watchlist/${a!.id}`, { method: 'PUT', token })).status).toBe(201)
    // Two high ratings in one batch (handled concurrently) and a third later: one notification.
    await aws.sqs.send(queue.url, envelope(events.reviewPosted(user.id, b!.id, 9)).body)
    await aws.sqs.send(queue.url, envelope(events.reviewPosted(user.id, c!.id, 10)).body)
    await drain(queue.url)
    await aws.sqs.send(queue.url, envelope(events.reviewPosted(user.id, a!.id, 9)).body)
    await drain(queue.url)
    const sent = (await notificationsOf(token)).results.filter((n) => n.type === 'recommendation')
    expect(sent).toHaveLength(1)
    expect([a!.id, b!.id, c!.id]).not.toContain(sent[0]!.movie_id)
    expect(sent[0]!.body).toMatch(/^Because you rated .+ (9|10)\/10\.$/)
  })

  it('follows a change of language, and drops a film the user just rated from the very next answer (reliability 3)', async () => {
    const { token } = await signUp()
    const listed = (await genreFilms(SCI_FI, 2)).slice(0, 3)
    for (const film of listed) expect((await api(`/me/watchlist/${film.id}`, { method: 'PUT', token })).status).toBe(201)
    const before = await settledPicks(token, listed.map((film) => film.id))
    const rated = before.find((pick) => pick.source !== 'trending') ?? before[0]!
    expect((await api(`/movies/${rated.id}/reviews`, { method: 'PUT', token, body: { rating: 3 } })).status).toBe(201)
    expect((await picksOf(token)).map((pick) => pick.id)).not.toContain(rated.id)

    expect((await api('/me', { method: 'PATCH', token, body: { language: 'fr' } })).status).toBe(200)
    const [first] = await picksOf(token)
    const inFrench = (await (await api(`/movies/${first!.id}?language=fr`)).json()) as FilmJson & { overview: string }
    const inEnglish = (await (await api(`/movies/${first!.id}?language=en`)).json()) as FilmJson & { overview: string }
    expect(inFrench.overview).not.toBe(inEnglish.overview)
    expect(first!.overview).toBe(inFrench.overview)
  })
})
