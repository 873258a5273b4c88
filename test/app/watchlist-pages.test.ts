import { SELF } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { ORIGIN, api, form, signUp } from '../support/harness/accounts'
import { films } from '../support/harness/films'

/** A page GET as a signed-in browser sends it (the API token is also a valid session cookie value). */
const page = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${ORIGIN}${path}`, {
    headers: { Accept: 'text/html', ...(cookie ? { Cookie: `session=${cookie}` } : {}), ...headers },
    redirect: 'manual',
  })
const htmx = { 'HX-Request': 'true' }
const listIds = async (token: string) =>
  ((await (await api('/me/watchlist', { token })).json()) as { results: { id: number }[] }).results.map((m) => m.id)

describe('watchlist pages', { timeout: 30_000 }, () => {
  it('should show the real list state on the details page and toggle it with htmx in place', async () => {
    const { token } = await signUp()
    const [film] = await films(1, 20)
    const before = await (await page(`/movies/${film!.id}`, token)).text()
    expect(before).toMatch(/<form[^>]*action="\/watchlist\/\d+"[^>]*hx-post=/)
    expect(before).toContain('aria-pressed="false"')

    const added = await form(`/watchlist/${film!.id}`, {}, { cookie: token, headers: htmx })
    expect(added.status).toBe(200)
    const fragment = await added.text()
    expect(fragment).not.toContain('<html')
    expect(fragment).toContain('aria-pressed="true"')
    expect(fragment).toContain(`action="/watchlist/${film!.id}/remove"`)
    expect(fragment).toContain('hx-swap="outerHTML"')
    expect(await listIds(token)).toEqual([film!.id])

    const after = await (await page(`/movies/${film!.id}`, token)).text()
    expect(after).toContain(`action="/watchlist/${film!.id}/remove"`)

    const removed = await SELF.fetch(`${ORIGIN}/watchlist/${film!.id}`, {
      method: 'DELETE',
      headers: { Cookie: `session=${token}`, Origin: ORIGIN, ...htmx },
    })
    expect(removed.status).toBe(200)
    expect(await removed.text()).toContain('aria-pressed="false"')
    expect(await listIds(token)).toEqual([])
  })

  it('should show My List newest first, remove a card in place, and show the empty state after the last one', async () => {
    const { token } = await signUp()
    const [a, b] = await films(2, 21)
    await api(`/me/watchlist/${a!.id}`, { method: 'PUT', token })
    await api(`/me/watchlist/${b!.id}`, { method: 'PUT', token })
    const html = await (await page('/watchlist', token)).text()
    expect(html).toContain('My List')
    expect(html.indexOf(`/movies/${b!.id}"`)).toBeLessThan(html.indexOf(`/movies/${a!.id}"`))
    expect(html).toContain('hx-target="closest li"')
    expect(html).not.toContain('Your list is empty')

    const first = await form(`/watchlist/${b!.id}/remove`, { compact: '1', from: 'list' }, { cookie: token, headers: htmx })
    expect(first.status).toBe(200)
    const firstBody = await first.text()
    expect(firstBody).not.toContain('<form')
    expect(firstBody).not.toContain('Your list is empty')
    const last = await form(`/watchlist/${a!.id}/remove`, { compact: '1', from: 'list' }, { cookie: token, headers: htmx })
    const lastBody = await last.text()
    expect(lastBody).toContain('id="watchlist-empty"')
    expect(lastBody).toContain('hx-swap-oob="true"')
    expect(lastBody).toContain('Your list is empty')
    expect(await listIds(token)).toEqual([])
    expect(await (await page('/watchlist', token)).text()).toContain('Your list is empty')
  })

  it('should work as plain forms without JavaScript: 303 back to a same-site Referer, else to the film', async () => {
    const { token } = await signUp()
    const [film] = await films(1, 22)
    const back = await form(`/watchlist/${film!.id}`, {}, { cookie: token, headers: { Referer: `${ORIGIN}/genres/28?page=2` } })
    expect(back.status).toBe(303)
    expect(back.headers.get('Location')).toBe('/genres/28?page=2')
    const foreign = await form(`/watchlist/${film!.id}/remove`, {}, { cookie: token, headers: { Referer: 'https://evil.example/x' } })
    expect(foreign.status).toBe(303)
    expect(foreign.headers.get('Location')).toBe(`/movies/${film!.id}`)
    const sneaky = await form(`/watchlist/${film!.id}`, {}, { cookie: token, headers: { Referer: `${ORIGIN}//evil.example/x` } })
    expect(sneaky.headers.get('Location')).toBe('/')
    await form(`/watchlist/${film!.id}/remove`, {}, { cookie: token })
    expect(await listIds(token)).toEqual([])
  })

  it('should send anonymous visitors to log in: 303 with next, or HX-Redirect for htmx', async () => {
    const [film] = await films(1, 22)
    const list = await page('/watchlist')
    expect(list.status).toBe(303)
    expect(list.headers.get('Location')).toBe('/login?next=%2Fwatchlist')
    const add = await form(`/watchlist/${film!.id}`, {}, { headers: { Referer: `${ORIGIN}/movies/${film!.id}` } })
    expect(add.status).toBe(303)
    expect(add.headers.get('Location')).toBe(`/login?next=${encodeURIComponent(`/movies/${film!.id}`)}`)
    const viaHtmx = await form(`/watchlist/${film!.id}`, {}, { headers: { ...htmx, 'HX-Current-URL': `${ORIGIN}/search?q=heat` } })
    expect(viaHtmx.status).toBe(200)
    expect(viaHtmx.headers.get('HX-Redirect')).toMatch(/^\/login\?next=/)
  })

  it('should answer an unknown film with a 404 page and a bad id with a 400 page', async () => {
    const { token } = await signUp()
    const unknown = await form('/watchlist/1234', {}, { cookie: token })
    expect(unknown.status).toBe(404)
    expect(unknown.headers.get('Content-Type')).toContain('text/html')
    const bad = await form('/watchlist/abc', {}, { cookie: token })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('Content-Type')).toContain('text/html')
  })

  it('should reject a cross-site form post with the session cookie', async () => {
    const { token } = await signUp()
    const [film] = await films(1, 22)
    const res = await form(`/watchlist/${film!.id}`, {}, { cookie: token, headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' } })
    expect(res.status).toBe(403)
    expect(await listIds(token)).toEqual([])
  })

  it('should keep the header’s Genres menu on My List and notifications, like every browsing page', async () => {
    const { token } = await signUp()
    for (const path of ['/watchlist', '/notifications']) {
      const html = await (await page(path, token)).text()
      expect(html).toContain('<summary>Genres</summary>')
      expect(html).toMatch(/<a href="\/genres\/\d+">/)
    }
  })

  it("should put a My List toggle on every card, in the viewer's real state, and a log-in link on a visitor's", async () => {
    const { token } = await signUp()
    const home = await (await page('/', token)).text()
    const cardIds = [...home.matchAll(/<li class="card">\s*<a class="card-link" href="\/movies\/(\d+)"/g)].map((m) => Number(m[1]))
    expect(cardIds.length).toBeGreaterThan(5)
    const listedId = cardIds[0]!
    await api(`/me/watchlist/${listedId}`, { method: 'PUT', token })
    const again = await (await page('/', token)).text()
    expect(again).toContain(`action="/watchlist/${listedId}/remove"`)
    expect(again).toContain(`action="/watchlist/${cardIds[1]}"`)
    const anonymous = await (await page('/')).text()
    // A visitor's card buttons are links to log in, coming back to the film's page; no list state, no forms to post.
    expect(anonymous).toContain(`class="button secondary watchlist-signin" href="/login?next=%2Fmovies%2F${listedId}"`)
    expect(anonymous).not.toContain('/remove"')
    expect(anonymous).not.toContain('watchlist-form compact')
  })

  it('should show a signed-in viewer their list as a home row, newest first, and no such row to visitors', async () => {
    const { token } = await signUp()
    const [older, newer] = await films(2, 23)
    await api(`/me/watchlist/${older!.id}`, { method: 'PUT', token })
    await api(`/me/watchlist/${newer!.id}`, { method: 'PUT', token })
    const home = await (await page('/', token)).text()
    const row = home.slice(home.indexOf('id="row-my-list"'))
    expect(home).toContain('id="row-my-list"')
    expect(row.slice(0, 400)).toContain('My List')
    const rowEnd = row.indexOf('</section>')
    const inRow = row.slice(0, rowEnd)
    expect(inRow.indexOf(`/movies/${newer!.id}"`)).toBeGreaterThan(-1)
    expect(inRow.indexOf(`/movies/${newer!.id}"`)).toBeLessThan(inRow.indexOf(`/movies/${older!.id}"`))
    expect(await (await page('/')).text()).not.toContain('id="row-my-list"')
  })
})
