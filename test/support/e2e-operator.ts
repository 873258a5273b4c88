import { expect } from 'vitest'

/** The e2e stack's operator (test/support/global-e2e.ts's ADMIN_EMAILS) and its password. */
export const E2E_OPERATOR = { email: 'operator@flixpeek.test', password: 'projector and popcorn' }

/**
 * The operator's bearer token on the stack at `baseUrl`: signed up and confirmed through the emailed link (read from
 * the local SES at `mailUrl`), or logged in when an earlier file already signed it up.
 */
export async function operatorToken(baseUrl: string, mailUrl: string): Promise<string> {
  const post = (path: string, body: object) => fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  const signup = await post('/api/v1/auth/signup', { ...E2E_OPERATOR, display_name: 'Olu Operator' })
  if (signup.status === 409) return ((await (await post('/api/v1/auth/login', E2E_OPERATOR)).json()) as { token: string }).token
  expect(signup.status).toBe(201)
  let link: string | undefined
  for (let i = 0; i < 100 && !link; i++) {
    const { emails } = (await (await fetch(`${mailUrl}/store`)).json()) as { emails: { destination: { to: string[] }; body: { text?: string } }[] }
    const mail = emails.find((e) => e.destination.to.includes(E2E_OPERATOR.email) && /\/verify\?/.test(e.body.text ?? ''))
    link = /https?:\/\/\S+\/verify\?\S+/.exec(mail?.body.text ?? '')?.[0]
    if (!link) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  if (!link) throw new Error('no verification email reached the operator')
  const verify = new URL(link)
  expect((await fetch(`${baseUrl}${verify.pathname}${verify.search}`)).status).toBe(200)
  return ((await signup.json()) as { token: string }).token
}
