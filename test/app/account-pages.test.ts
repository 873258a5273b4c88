import { SELF } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { de } from '../../src/i18n/messages/de'
import { api, form, ORIGIN, sessionCookieOf, sessionSetCookie, signUp, uniqueEmail } from '../support/harness/accounts'

const page = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${ORIGIN}${path}`, { headers: { ...(cookie ? { Cookie: `session=${cookie}` } : {}), ...headers }, redirect: 'manual' })

describe('sign-up and sign-in pages', { timeout: 120_000 }, () => {
  it('should render the sign-up form that works without JavaScript', async () => {
    const res = await page('/signup?next=/watchlist')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<form class="auth-form" method="post" action="/signup?next=%2Fwatchlist"')
    expect(html).toContain('<label for="field-email">Email</label>')
    expect(html).toContain('name="next" value="/watchlist"')
  })

  it('should sign up, set the session cookie with the exact attributes, and show the user on /profile', async () => {
    const email = uniqueEmail('page')
    const res = await form('/signup', { email, password: 'page password 1', display_name: 'Page Person', next: '/watchlist' })
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/watchlist')
    const cookie = sessionSetCookie(res)!
    const attributes = cookie.split(/;\s*/).slice(1).sort()
    expect(attributes).toEqual(['HttpOnly', 'Max-Age=604800', 'Path=/', 'SameSite=Lax', 'Secure'])
    const profile = await page('/profile', sessionCookieOf(res))
    expect(profile.status).toBe(200)
    const html = await profile.text()
    expect(html).toContain(`value="${email}"`)
    expect(html).toContain('Page Person')
  })

  it('should show inline messages with 422 for an invalid sign-up, and 409 for a taken email', async () => {
    const short = await form('/signup', { email: 'not-an-email', password: 'short' })
    expect(short.status).toBe(422)
    const html = await short.text()
    expect(html).toContain('Password must be at least 8 characters.')
    expect(html).toContain('Email must be a valid email address.')
    expect(html).toContain('aria-invalid="true"')
    const { email } = await signUp()
    const taken = await form('/signup', { email, password: 'long enough pass' })
    expect(taken.status).toBe(409)
    expect(await taken.text()).toContain('An account with that email already exists')
  })

  it('should sign in with the form and answer wrong credentials with 401 on the form', async () => {
    const { email, password } = await signUp()
    const wrong = await form('/login', { email, password: 'wrong password' })
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).toContain('That email and password do not match an account.')
    const ok = await form('/login', { email, password })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('Location')).toBe('/')
    expect(sessionCookieOf(ok)).toBeDefined()
  })

  it('should send next= open-redirect attempts to /', async () => {
    const { email, password } = await signUp()
    for (const next of ['//evil.com', 'https://evil.com', '/\\evil.com', '/\t/evil.com', 'javascript:alert(1)', '']) {
      const res = await form('/login', { email, password, next })
      expect(res.status, next).toBe(303)
      expect(res.headers.get('Location'), next).toBe('/')
    }
    const ok = await form('/login', { email, password, next: '/search?q=alien' })
    expect(ok.headers.get('Location')).toBe('/search?q=alien')
  })

  it('should refuse a cross-origin or header-less form POST to /login with a 403 page', async () => {
    const { email, password } = await signUp()
    const cross = await form('/login', { email, password }, { headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' } })
    expect(cross.status).toBe(403)
    expect(cross.headers.get('Content-Type')).toContain('text/html')
    expect(sessionCookieOf(cross)).toBeUndefined()
    const bare = await SELF.fetch(`${ORIGIN}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password }).toString(),
      redirect: 'manual',
    })
    expect(bare.status).toBe(403)
    const crossSignup = await form('/signup', { email: uniqueEmail(), password: 'long enough pass' }, { headers: { Origin: 'https://evil.example' } })
    expect(crossSignup.status).toBe(403)
    const viaFetchMetadata = await SELF.fetch(`${ORIGIN}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
      body: new URLSearchParams({ email, password }).toString(),
      redirect: 'manual',
    })
    expect(viaFetchMetadata.status).toBe(303)
  })
})

describe('signed-in pages', { timeout: 120_000 }, () => {
  it('should keep a signed-in visitor’s account menu on error pages (not Sign in / Sign up)', async () => {
    const user = await signUp({ display_name: 'Lost Viewer' })
    for (const [path, status] of [['/no-such-page', 404], ['/movies/abc', 400]] as const) {
      const res = await page(path, user.token)
      expect(res.status).toBe(status)
      const html = await res.text()
      expect(html).toContain('<span class="account-name"><bdi>Lost Viewer</bdi></span>')
      expect(html).toContain('id="notification-bell"')
      expect(html).not.toContain('href="/signup"')
    }
    const anonymous = await (await page('/no-such-page')).text()
    expect(anonymous).toContain('href="/signup"')
  })

  it('should tell a visitor sent to sign in why, and not a visitor who chose to', async () => {
    const sent = await (await page('/login?next=%2Fnotifications')).text()
    expect(sent).toContain('Sign in to continue where you left off.')
    expect(sent).toContain('name="next" value="/notifications"')
    expect(await (await page('/login')).text()).not.toContain('Sign in to continue')
  })

  it('should send anonymous visitors to /login?next=… (303, or HX-Redirect for htmx)', async () => {
    const res = await page('/profile?tab=1')
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/login?next=%2Fprofile%3Ftab%3D1')
    const htmx = await page('/profile', undefined, { 'HX-Request': 'true' })
    expect(htmx.status).toBe(200)
    expect(htmx.headers.get('HX-Redirect')).toBe('/login?next=%2Fprofile')
  })

  it('should save profile changes and show them, with 422 and an inline message for a blank name', async () => {
    const { token } = await signUp()
    const fields = { display_name: 'Renamed', language: 'de', notifications_shown: '1', notify_recommendation: '1' }
    const { email } = (await (await api('/me', { token })).json()) as { email: string }
    const saved = await form('/profile', { ...fields, email }, { cookie: token })
    expect(saved.status).toBe(303)
    expect(saved.headers.get('Location')).toBe('/profile?saved=1')
    const me = (await (await api('/me', { token })).json()) as Record<string, unknown>
    expect(me).toMatchObject({ display_name: 'Renamed', language: 'de', notifications: { release: false, recommendation: true } })
    // The profile now speaks the language just chosen.
    const html = await (await page('/profile?saved=1', token)).text()
    expect(html).toContain('<html lang="de" dir="ltr">')
    expect(html).toContain(de['profile.saved'])
    const blank = await form('/profile', { ...fields, email, display_name: ' ' }, { cookie: token })
    expect(blank.status).toBe(422)
    expect(await blank.text()).toContain(de['form.enterDisplayName'])
  })

  it('should change the password from the profile with the current one, refreshing the cookie', async () => {
    const { token, email, password } = await signUp()
    const base = { display_name: 'Pat', language: 'en', email }
    const missing = await form('/profile', { ...base, new_password: 'fresh password 9' }, { cookie: token })
    expect(missing.status).toBe(422)
    const wrong = await form('/profile', { ...base, new_password: 'fresh password 9', current_password: 'nope nope' }, { cookie: token })
    expect(wrong.status).toBe(403)
    expect(await wrong.text()).toContain('That is not your current password.')
    const ok = await form('/profile', { ...base, new_password: 'fresh password 9', current_password: password }, { cookie: token })
    expect(ok.status).toBe(303)
    const fresh = sessionCookieOf(ok)!
    expect(fresh).not.toBe(token)
    expect((await page('/profile', token)).status).toBe(303)
    expect((await page('/profile', fresh)).status).toBe(200)
  })

  it('should refuse a cross-origin profile change', async () => {
    const { token, email } = await signUp()
    const res = await form('/profile', { display_name: 'Evil', language: 'en', email }, { cookie: token, headers: { Origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('That action was blocked')
  })

  it('should log out (cookie cleared) and log out everywhere (token revoked)', async () => {
    const { token } = await signUp()
    const out = await form('/logout', {}, { cookie: token })
    expect(out.status).toBe(303)
    expect(sessionSetCookie(out)).toMatch(/^session=;.*Max-Age=0/)
    // A shared device keeps nothing of the viewer who left (audit 3, L1): the browser's caches and storage go too.
    expect(out.headers.get('clear-site-data')).toBe('"cache", "storage"')
    expect((await api('/me', { token })).status).toBe(200)
    const everywhere = await form('/logout', { everywhere: '1' }, { cookie: token })
    expect(everywhere.status).toBe(303)
    expect((await api('/me', { token })).status).toBe(401)
  })

  it('should delete the account from the profile only with the right password', async () => {
    const { token, email, password } = await signUp()
    const wrong = await form('/profile/delete', { delete_password: 'not mine' }, { cookie: token })
    expect(wrong.status).toBe(403)
    expect(await wrong.text()).toContain('Your account was not deleted.')
    const ok = await form('/profile/delete', { delete_password: password }, { cookie: token })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('Location')).toBe('/')
    expect((await api('/auth/login', { body: { email, password } })).status).toBe(401)
  })
})

describe('returning after sign-in', { timeout: 120_000 }, () => {
  it('should send an anonymous form post back to the same-site page it came from', async () => {
    const fromMovie = await SELF.fetch(`${ORIGIN}/profile`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, Referer: `${ORIGIN}/movies/900000001?tab=cast` },
      body: 'display_name=x',
      redirect: 'manual',
    })
    expect(fromMovie.status).toBe(303)
    expect(fromMovie.headers.get('Location')).toBe('/login?next=%2Fmovies%2F900000001%3Ftab%3Dcast')
    const foreignReferer = await SELF.fetch(`${ORIGIN}/profile`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, Referer: 'https://evil.example/x' },
      body: 'display_name=x',
      redirect: 'manual',
    })
    expect(foreignReferer.headers.get('Location')).toBe('/login?next=%2Fprofile')
  })
})
