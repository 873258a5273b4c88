import { SELF } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { ORIGIN, api, form, signUp } from '../support/harness/accounts'
import { films } from '../support/harness/films'

const page = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${ORIGIN}${path}`, {
    headers: { Accept: 'text/html', ...(cookie ? { Cookie: `session=${cookie}` } : {}), ...headers },
    redirect: 'manual',
  })
const htmx = { 'HX-Request': 'true' }

describe('review pages', { timeout: 30_000 }, () => {
  it('should post, show, edit and delete a review through plain forms', async () => {
    const critic = await signUp({ display_name: 'Form Critic' })
    const [film] = await films(1, 30)
    const posted = await form(`/movies/${film!.id}/reviews`, { rating: '8', text: 'Tense & <b>stylish</b> \u202eevil\u202c \u2066twist\u2069\u00ad\u200e' }, { cookie: critic.token })
    expect(posted.status).toBe(303)
    expect(posted.headers.get('Location')).toBe(`/movies/${film!.id}#reviews`)

    const details = await (await page(`/movies/${film!.id}`, critic.token)).text()
    expect(details).toContain('Your review')
    expect(details).toMatch(/<option value="8" selected/)
    expect(details).toContain('Tense &amp; &lt;b&gt;stylish&lt;/b&gt;')
    expect(details).toContain('8.0')
    expect(details).toContain('Delete my review')

    const other = await signUp()
    const seen = await (await page(`/movies/${film!.id}`, other.token)).text()
    expect(seen).toContain('Form Critic')
    // The text keeps its own direction whatever the page's (audit 3, I4).
    expect(seen).toContain('<p class="review-text" dir="auto">Tense &amp;')
    // Bidi overrides and isolates, marks and soft hyphens are not shown: they could reorder the words around them.
    expect(seen).toContain('&lt;/b&gt; evil twist</p>')
    expect(seen).not.toMatch(/[\u202e\u202c\u2066\u2069\u00ad\u200e]/)
    expect(seen).not.toContain(critic.email)
    expect(seen).toContain('Rate this film')

    expect((await form(`/movies/${film!.id}/reviews`, { rating: '4', text: '' }, { cookie: critic.token })).status).toBe(303)
    const mine = ((await (await api(`/movies/${film!.id}/reviews`)).json()) as { results: { user: { id: string }; rating: number; text: string | null }[] }).results.find(
      (r) => r.user.id === critic.user.id,
    )
    expect(mine).toMatchObject({ rating: 4, text: null })

    const deleted = await form(`/movies/${film!.id}/reviews/delete`, {}, { cookie: critic.token })
    expect(deleted.status).toBe(303)
    const after = await (await page(`/movies/${film!.id}`, critic.token)).text()
    expect(after).toContain('Rate this film')
    expect(after).not.toContain('Delete my review')
  })

  it('should show validation problems in the form, keeping what was typed', async () => {
    const { token } = await signUp()
    const [film] = await films(1, 31)
    for (const rating of ['0', '11', 'x', '']) {
      const res = await form(`/movies/${film!.id}/reviews`, { rating, text: 'Keep this text' }, { cookie: token })
      expect(res.status, rating).toBe(422)
      const html = await res.text()
      expect(html).toContain('Choose a rating from 1 to 10.')
      expect(html).toContain('Keep this text')
      expect(html).toContain('aria-invalid="true"')
    }
    const long = await form(`/movies/${film!.id}/reviews`, { rating: '5', text: 'y'.repeat(2001) }, { cookie: token })
    expect(long.status).toBe(422)
    const longHtml = await long.text()
    expect(longHtml).toContain('2,000 characters or fewer')
    // Focus goes to the first field to fix (htmx honours autofocus on swap; browsers on page load).
    expect(longHtml).toMatch(/<textarea id="review-text"[^>]*autofocus/)
    const viaHtmx = await form(`/movies/${film!.id}/reviews`, { rating: '11' }, { cookie: token, headers: htmx })
    expect(viaHtmx.status).toBe(200)
    const fragment = await viaHtmx.text()
    expect(fragment).not.toContain('<html')
    expect(fragment).toContain('id="reviews-body"')
    expect(fragment).toContain('Choose a rating from 1 to 10.')
    expect(fragment).toMatch(/<select id="review-rating"[^>]*autofocus/)
    expect(fragment).not.toMatch(/<textarea[^>]*autofocus/)
    expect((await api(`/movies/${film!.id}/reviews`)).ok).toBe(true)
    // No invalid post stored a review (counted on this user's own data: other test files may review the same film meanwhile).
    const exported = (await (await api('/me/export', { token })).json()) as { reviews: { movie_id: number }[] }
    expect(exported.reviews.filter((review) => review.movie_id === film!.id)).toEqual([])
  })

  it('should answer htmx posts with the refreshed reviews section', async () => {
    const { token } = await signUp({ display_name: 'Htmx Fan' })
    const [film] = await films(1, 32)
    const res = await form(`/movies/${film!.id}/reviews`, { rating: '10', text: 'Wow' }, { cookie: token, headers: htmx })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html.startsWith('<div id="reviews-body"')).toBe(true)
    expect(html).toContain('Your review is posted')
    // The form that had focus is gone: the notice takes it (and is announced).
    expect(html).toMatch(/<p class="form-notice success" role="status" tabindex="-1" autofocus/)
    expect(html).toContain('10.0')
    const removed = await form(`/movies/${film!.id}/reviews/delete`, {}, { cookie: token, headers: htmx })
    expect(await removed.text()).toContain('No ratings yet')
  })

  it('should keep a review newer than a replayed offline post: 200, X-Offline-Conflict and a note; an older one is replaced', async () => {
    const { token } = await signUp({ display_name: 'Two Devices' })
    const [film] = await films(1, 34)
    const offline = (at: string, rating: string, headers: Record<string, string> = {}) =>
      form(`/movies/${film!.id}/reviews`, { rating, text: 'From the train' }, { cookie: token, headers: { 'X-Offline-At': at, ...headers } })
    const mine = async () => ((await (await api('/me/export', { token })).json()) as { reviews: { movie_id: number; rating: number; text: string | null }[] }).reviews.find((r) => r.movie_id === film!.id)
    const before = new Date(Date.now() - 60_000).toISOString()
    expect((await form(`/movies/${film!.id}/reviews`, { rating: '9', text: 'At home' }, { cookie: token })).status).toBe(303)

    // htmx (what the service worker's replay sends): the section with the stored review and the note.
    const viaHtmx = await offline(before, '3', htmx)
    expect(viaHtmx.status).toBe(200)
    expect(viaHtmx.headers.get('X-Offline-Conflict')).toBe('kept-newer')
    const fragment = await viaHtmx.text()
    expect(fragment.startsWith('<div id="reviews-body"')).toBe(true)
    expect(fragment).toContain('A newer rating of yours was kept')
    expect(fragment).toMatch(/<option value="9" selected/)
    // A plain form post: the page with the note, not a redirect to a page that would hide what happened.
    const plain = await offline(before, '3')
    expect(plain.status).toBe(200)
    expect(plain.headers.get('X-Offline-Conflict')).toBe('kept-newer')
    expect(await plain.text()).toContain('A newer rating of yours was kept')
    expect(await mine()).toMatchObject({ rating: 9, text: 'At home' })

    // Made offline after the stored review: applied.
    const applied = await offline(new Date().toISOString(), '4', htmx)
    expect(applied.headers.get('X-Offline-Conflict')).toBeNull()
    expect(await applied.text()).toContain('Your review is updated')
    expect(await mine()).toMatchObject({ rating: 4, text: 'From the train' })
  })

  it('should send anonymous reviewers to log in, and let anyone read reviews page by page', async () => {
    const [film] = await films(1, 33)
    const anon = await form(`/movies/${film!.id}/reviews`, { rating: '7' }, { headers: { Referer: `${ORIGIN}/movies/${film!.id}` } })
    expect(anon.status).toBe(303)
    expect(anon.headers.get('Location')).toBe(`/login?next=${encodeURIComponent(`/movies/${film!.id}`)}`)
    const anonHtmx = await form(`/movies/${film!.id}/reviews/delete`, {}, { headers: htmx })
    expect(anonHtmx.status).toBe(200)
    expect(anonHtmx.headers.get('HX-Redirect')).toMatch(/^\/login\?next=/)

    const details = await (await page(`/movies/${film!.id}`)).text()
    expect(details).toContain('Sign in</a> to rate')
    const reviewsPage = await page(`/movies/${film!.id}/reviews?page=1`)
    expect(reviewsPage.status).toBe(200)
    expect(await reviewsPage.text()).toContain('Reviews of')
    const fragment = await page(`/movies/${film!.id}/reviews?page=1`, undefined, htmx)
    expect((await fragment.text()).startsWith('<div id="reviews-body"')).toBe(true)
    expect((await page(`/movies/1234/reviews`)).status).toBe(404)
    expect((await page(`/movies/${film!.id}/reviews?page=0`)).status).toBe(422)
  })
})
