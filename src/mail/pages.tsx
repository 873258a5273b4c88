import { Hono, type Context } from 'hono'
import type { AppEnv } from '../context'
import { CACHE, useCache } from '../http/cache'
import { render } from '../http/render'
import { EmailNoticePage, UnsubscribePage } from '../../views/pages/RecoveryPages'

type Ctx = Context<AppEnv>

/** The link carries the user's signature: never cached, never sent on as a Referer. */
const noStore = (c: Ctx) => {
  useCache(c, CACHE.noStore)
  c.header('Referrer-Policy', 'no-referrer')
}

/** The weekly digest's unsubscribe link (GET: a confirmation form; POST: done), no login needed. */
export const mailPages = new Hono<AppEnv>()

const unsubscribeQuery = (c: Ctx) => ({ userId: c.req.query('u') ?? '', signature: c.req.query('s') ?? '' })

mailPages.get('/unsubscribe', (c) => {
  noStore(c)
  const { userId, signature } = unsubscribeQuery(c)
  const action = `/unsubscribe?${new URLSearchParams({ u: userId, s: signature }).toString()}`
  return render(c, <UnsubscribePage action={action} />)
})

/** One-click unsubscribe (RFC 8058: mail providers POST `List-Unsubscribe=One-Click` here); no login, the signature stands for the user. */
mailPages.post('/unsubscribe', async (c) => {
  noStore(c)
  const t = c.get('t')
  const { userId, signature } = unsubscribeQuery(c)
  const done = await c.get('services').mail.unsubscribe(userId, signature)
  if (!done) return render(c, <EmailNoticePage title={t('email.unsubscribe.title')} text={t('email.token.invalid')} kind="error" />, { status: 400 })
  return render(c, <EmailNoticePage title={t('email.unsubscribe.title')} text={t('email.unsubscribe.done')} kind="success" />)
})
