import { SELF } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { api, clientIp, ORIGIN, signUp } from '../../support/harness/accounts'

/** Security audit 3, I3 (audit 2, F12): a second `session` cookie, planted by a sibling host or for a narrower path, is refused. */
describe('duplicate session cookies', () => {
  it('should sign nobody in when a request carries two session cookies, whichever comes first', async () => {
    const victim = await signUp()
    const attacker = await signUp()
    const me = (cookie: string) => api('/me', { headers: { Cookie: cookie } })
    expect((await me(`session=${victim.token}`)).status).toBe(200)
    // What a browser sends after a sibling host set `session` for a narrower path: that one first.
    expect((await me(`session=${attacker.token}; lang=en; session=${victim.token}`)).status).toBe(401)
    expect((await me(`session=${victim.token};session=${attacker.token}`)).status).toBe(401)
    // A page: anonymous, never the attacker's account.
    const page = await SELF.fetch(`${ORIGIN}/watchlist`, { headers: { Cookie: `session=${attacker.token}; session=${victim.token}`, 'CF-Connecting-IP': clientIp() }, redirect: 'manual' })
    expect(page.status).toBe(303)
    expect(page.headers.get('Location')).toMatch(/^\/login/)
  })

  it('should still hold a form with two session cookies to the same-origin check', async () => {
    const user = await signUp()
    const res = await SELF.fetch(`${ORIGIN}/notifications/read-all`, {
      method: 'POST',
      headers: { Cookie: `session=${user.token}; session=${user.token}`, 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example', 'CF-Connecting-IP': clientIp() },
      redirect: 'manual',
    })
    expect(res.status).toBe(403)
  })
})
