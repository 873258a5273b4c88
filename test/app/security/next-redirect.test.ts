import { describe, expect, it } from 'vitest'
import { safeNext } from '../../../src/auth/middleware'
import { form, signUp } from '../../support/harness/accounts'

/** F8: a `next` with control characters used to pass safeNext and make the redirect throw (500). */
describe('next= with control characters (F8)', { timeout: 60_000 }, () => {
  it('should fall back to / for control characters anywhere in next', () => {
    for (const bad of ['/x\r\ny', '/x\ny', '/movies/1\u0000', '/a\u007fb', '/a\u0085b', '/a\tb']) expect(safeNext(bad)).toBe('/')
  })

  it('should return header-safe paths for non-ASCII text and lone surrogates', () => {
    expect(safeNext('/search?q=été')).toBe('/search?q=%C3%A9t%C3%A9')
    expect(safeNext('/search?q=\ud800')).toBe('/search?q=%EF%BF%BD')
    expect(safeNext('/movies/5?x=1#cast')).toBe('/movies/5?x=1#cast')
  })

  it('should sign in and redirect to / when POST /login carries next=/x%0D%0Ay (was a 500)', async () => {
    const user = await signUp()
    const res = await form('/login?next=/x%0D%0Ay', { email: user.email, password: user.password, next: '/x\r\ny' })
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('/')
  })

  it('should answer the login page, not a 500, for a failed login with a CRLF next', async () => {
    const res = await form('/login', { email: 'nobody@example.com', password: 'wrong password', next: '/x\r\nSet-Cookie: a=b' })
    expect(res.status).toBe(401)
    expect(await res.text()).toContain('name="next" value="/"')
  })
})
