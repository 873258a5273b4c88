import { SELF } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { api, form, ORIGIN, signUp, uniqueEmail, type ErrorJson } from '../../support/harness/accounts'
import { films } from '../../support/harness/films'

const page = (path: string, cookie: string) =>
  SELF.fetch(`${ORIGIN}${path}`, { headers: { Accept: 'text/html', Cookie: `session=${cookie}` }, redirect: 'manual' })
const FORBIDDEN = ['Admin\u202Enimda', 'a\u202Ab', 'a\u202Bb', 'a\u202Cb', 'a\u202Db', 'x\u2066y', 'x\u2067y', 'x\u2068y', 'x\u2069y', 'zero\u200Bwidth', 'b\uFEFFom']

/** F16: display names cannot reorder or hide text around them. */
describe('display names refuse bidi controls and invisible spaces (F16)', { timeout: 90_000 }, () => {
  it('should answer 422 with a display_name field error on sign-up and PATCH /api/v1/me', async () => {
    const { token } = await signUp()
    for (const name of FORBIDDEN) {
      const signup = await api('/auth/signup', { body: { email: uniqueEmail(), password: 'long enough password', display_name: name } })
      expect(signup.status).toBe(422)
      const body = (await signup.json()) as ErrorJson
      expect(body.error.code).toBe('validation_failed')
      expect(body.error.details?.map((d) => d.path)).toContain('display_name')
      expect((await api('/me', { method: 'PATCH', token, body: { display_name: name } })).status).toBe(422)
    }
    expect(((await (await api('/me', { token })).json()) as { display_name: string }).display_name).not.toMatch(/[\u202a-\u202e]/)
  })

  it('should keep ZWJ emoji sequences and ZWNJ scripts', async () => {
    const { token } = await signUp()
    for (const name of ['\u{1F469}\u200D\u{1F4BB} Dev', 'می\u200Cخواهم']) {
      const res = await api('/me', { method: 'PATCH', token, body: { display_name: name } })
      expect(res.status).toBe(200)
      expect(((await res.json()) as { display_name: string }).display_name).toBe(name)
    }
  })

  it('should show an inline field error on the sign-up and profile forms', async () => {
    const signup = await form('/signup', { email: uniqueEmail(), password: 'long enough password', display_name: 'Admin\u202Enimda' })
    expect(signup.status).toBe(422)
    expect(await signup.text()).toContain('direction-changing or invisible characters')
    const user = await signUp()
    const profile = await form('/profile', { email: user.email, display_name: 'zero\u200Bwidth', language: 'en' }, { cookie: user.token })
    expect(profile.status).toBe(422)
    expect(await profile.text()).toContain('direction-changing or invisible characters')
  })

  it('should render display names inside <bdi> in reviews and the account menu', async () => {
    const critic = await signUp({ display_name: 'שרה Critic' })
    const [film] = await films(1, 31)
    expect((await form(`/movies/${film!.id}/reviews`, { rating: '7', text: 'ok' }, { cookie: critic.token })).status).toBe(303)
    const reader = await signUp({ display_name: 'שרה Critic' })
    const html = await (await page(`/movies/${film!.id}`, reader.token)).text()
    expect(html).toContain('<strong class="review-author"><bdi>שרה Critic</bdi></strong>')
    expect(html).toContain('<span class="account-name"><bdi>שרה Critic</bdi></span>')
    const profile = await (await page('/profile', critic.token)).text()
    expect(profile).toContain('<bdi>שרה Critic</bdi>')
  })
})
