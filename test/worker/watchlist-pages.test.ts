import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ORIGIN, api, form, signUp } from './support/accounts'
import { films } from './support/films'

/** A page GET as a signed-in browser sends it (the API token is also a valid session cookie value). */
const page = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${ORIGIN}${path}`, {
    headers: { Accept: 'text/html', ...(cookie ? { Cookie: `session=${cookie}` } : {}), ...headers },
    redirect: 'manual',
  })
const htmx = { 'HX-Request': 'true' }
const listIds = async (token: string) =>
  ((await (await api('/me/watchlist', { token })).json()) as { results: { id: number }[] }).results.map((m) => m.id)

describe('watchlist pages', () => {
  it('should show the real list state on the details page and toggle it with htmx in place', { timeout: 30_000 }, async () => {
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
})
