import { createExecutionContext, SELF, waitOnExecutionContext } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { EmailTokens } from '../../src/accounts/email-tokens'
import { Ses } from '../../src/aws/ses'
import type { DataStore } from '../../src/data/store'
import { events } from '../../src/events/schema'
import type { EmailTransport } from '../../src/mail/ses-mailer'
import { InvalidToken } from '../../src/shared/errors'
import { api, clientIp, ORIGIN, signUp, uniqueEmail } from '../support/harness/accounts'
import { films } from '../support/harness/films'
import { aws, drain, drainUntil, envelope, privateQueue } from '../support/harness/notifications'
import { mailTo, tokenIn, waitForMail } from '../support/harness/mail'
import { testServices } from '../support/harness/services'

type Sent = Parameters<EmailTransport['sendEmail']>[0]

/** The real SES adapter with every request the worker sends recorded (the local server drops custom headers). */
function recordingSes(fail = 0): { transport: () => EmailTransport; sent: Sent[] } {
  const sent: Sent[] = []
  let failures = fail
  const real = Ses.fromConfig(aws.config, { maxRetries: 0 })
  return {
    sent,
    transport: () => ({
      sendEmail: async (email) => {
        if (failures-- > 0) throw new Error('SES is down (test)')
        sent.push(email)
        return real.sendEmail(email)
      },
    }),
  }
}

/** Every data-store call, as a shape: operation and key prefixes, with ids, emails, hashes and times blanked. */
function shapeRecorder(inner: DataStore): { store: DataStore; calls: string[] } {
  const calls: string[] = []
  const shape = (value: unknown): unknown => {
    if (typeof value === 'string') return /^[A-Z]+#/.test(value) ? value.split('#')[0] : 's'
    if (typeof value === 'number') return 'n'
    if (Array.isArray(value)) return value.map(shape)
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]))
    return value
  }
  const store = new Proxy(inner, {
    get(target, op: string) {
      const method = (target as unknown as Record<string, (...args: unknown[]) => unknown>)[op]
      if (typeof method !== 'function') return method
      return (...args: unknown[]) => {
        calls.push(`${op} ${JSON.stringify(shape(args))}`)
        return method.apply(target, args)
      }
    },
  })
  return { store, calls }
}

describe('email delivery', { timeout: 60_000 }, () => {
  it('should refuse a token after it expired and a second use of a token', async () => {
    const userId = crypto.randomUUID()
    const earlier = new EmailTokens(aws.db, aws.table, () => Date.now() - 31 * 60 * 1000)
    const stale = await earlier.issue(userId, 'reset', 'stale@example.com')
    const tokens = new EmailTokens(aws.db, aws.table)
    await expect(tokens.consume(stale, 'reset')).rejects.toBeInstanceOf(InvalidToken)
    const fresh = await tokens.issue(userId, 'reset', 'fresh@example.com')
    await expect(tokens.consume(fresh, 'verify')).rejects.toBeInstanceOf(InvalidToken)
    expect(await tokens.consume(fresh, 'reset')).toEqual({ userId, email: 'fresh@example.com' })
    await expect(tokens.consume(fresh, 'reset')).rejects.toBeInstanceOf(InvalidToken)
    // A verification link lives 24 hours.
    const dayOld = await new EmailTokens(aws.db, aws.table, () => Date.now() - 25 * 3600 * 1000).issue(userId, 'verify', 'a@example.com')
    await expect(tokens.consume(dayOld, 'verify')).rejects.toBeInstanceOf(InvalidToken)
  })

  it('should make the same store calls before the answer for a reset of an unknown address as for a known one, and publish no event for it (audit 3, M4)', async () => {
    const known = await signUp()
    const run = async (email: string) => {
      const recorder = shapeRecorder(aws.db)
      const published: string[] = []
      // Answers after a moment, as SNS does: the publish is work after the response.
      const topic = () => ({
        publish: async (_arn: string, message: string) => {
          await new Promise((resolve) => setTimeout(resolve, 50))
          published.push((JSON.parse(message) as { type: string }).type)
        },
      })
      const ctx = createExecutionContext()
      await testServices({}, ctx, { db: () => recorder.store, ses: recordingSes().transport, topic }).accounts.recovery.requestReset(email, clientIp())
      const beforeAnswer = recorder.calls.slice()
      await waitOnExecutionContext(ctx)
      // The work after the response (outbox publish, the email) does not change the answer's timing.
      return { beforeAnswer, afterAnswer: recorder.calls.slice(beforeAnswer.length), published }
    }
    const forKnown = await run(known.email)
    const forUnknown = await run(uniqueEmail('unknown'))
    expect(forKnown.beforeAnswer.length).toBeGreaterThan(3)
    expect(forUnknown.beforeAnswer).toEqual(forKnown.beforeAnswer)
    expect(forKnown.published).toEqual(['user.password_reset_requested'])
    expect(forUnknown.published).toEqual([])
    expect(forUnknown.afterAnswer.filter((call) => call.includes('OUTBOX'))).toEqual([])
  })

  it('should send a redelivered event once, and send again after a failed send released its marker', async () => {
    const user = await signUp()
    const queue = await privateQueue({ visibilitySeconds: 0 })
    const { body } = envelope(events.passwordChanged(user.user.id))
    await aws.sqs.send(queue.url, body)
    await aws.sqs.send(queue.url, body)
    // The first delivery fails to send: the marker is released and the message stays on the queue.
    const flaky = recordingSes(1)
    const services = () => testServices({ SQS_QUEUE_URL: queue.url }, undefined, { ses: flaky.transport })
    for (let i = 0; i < 10 && flaky.sent.length === 0; i++) await drain(queue.url, {}, services())
    for (let i = 0; i < 3; i++) await drain(queue.url, {}, services())
    const changed = flaky.sent.filter((email) => email.to === user.email && /password was changed/i.test(email.subject))
    expect(changed).toHaveLength(1)
    expect((await mailTo(user.email)).filter((email) => /password was changed/i.test(email.subject))).toHaveLength(1)
  })

  it('should never give a held address to a new sign-up: the mailbox owner takes the account back by reset, nothing erased (audit 3, M2)', async () => {
    const squatter = await signUp()
    const [film] = await films(1, 3)
    expect((await api(`/me/watchlist/${film!.id}`, { method: 'PUT', token: squatter.token })).status).toBe(201)
    // Unverified for 8 days: before the fix, this released the address and erased the holder.
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString()
    await aws.db.update(aws.table, { pk: `USER#${squatter.user.id}`, sk: 'PROFILE' }, { update: 'SET email_set_at = :at', values: { ':at': eightDaysAgo } })
    const owner = await api('/auth/signup', { body: { email: squatter.email, password: 'the owner passphrase' } })
    expect(owner.status).toBe(409)
    expect(((await owner.json()) as { error: { code: string } }).error.code).toBe('email_taken')
    expect((await api('/me', { token: squatter.token })).status).toBe(200)

    // The owner of the mailbox proves it with a reset link: the password is theirs, the holder's sessions end.
    const queue = await privateQueue({ subscribed: true })
    expect((await api('/auth/password-reset', { body: { email: squatter.email } })).status).toBe(202)
    const [resetMail] = await waitForMail(squatter.email, /reset your flixpeek password/i)
    const confirm = await api('/auth/password-reset/confirm', { body: { token: tokenIn(resetMail!, '/reset'), password: 'the owner passphrase' } })
    expect(confirm.status).toBe(204)
    expect((await api('/me', { token: squatter.token })).status).toBe(401)
    const login = await api('/auth/login', { body: { email: squatter.email, password: 'the owner passphrase' } })
    expect(login.status).toBe(200)
    const { token } = (await login.json()) as { token: string }
    // Nothing was erased, and the account is told (in-app security notice; the "password was changed" mail).
    const list = (await (await api('/me/watchlist', { token })).json()) as { results: { id: number }[] }
    expect(list.results.map((listed) => listed.id)).toEqual([film!.id])
    expect(await waitForMail(squatter.email, /password was changed/i)).toHaveLength(1)
    const notices = await drainUntil(queue.url, token, (l) => l.some((n) => n.type === 'security'))
    expect(notices.some((n) => n.type === 'security')).toBe(true)
  })

  it('should send the weekly digest to an opted-in verified user only, with one-click unsubscribe that needs no login and works only for its user', async () => {
    const queue = await privateQueue({ subscribed: true })
    const verifiedOptIn = await signUp()
    const unverifiedOptIn = await signUp()
    const verifiedOptOut = await signUp()
    for (const user of [verifiedOptIn, verifiedOptOut]) {
      const [mail] = await waitForMail(user.email, /confirm your email/i)
      expect((await api('/auth/verify-email', { body: { token: tokenIn(mail!, '/verify') } })).status).toBe(204)
    }
    for (const user of [verifiedOptIn, unverifiedOptIn]) {
      const res = await api('/me', { method: 'PATCH', token: user.token, body: { notifications: { release: true, recommendation: true, digest_email: true } } })
      expect(((await res.json()) as { notifications: { digest_email: boolean } }).notifications.digest_email).toBe(true)
    }
    // Each has an unread welcome notification.
    for (const user of [verifiedOptIn, unverifiedOptIn, verifiedOptOut]) await drainUntil(queue.url, user.token, (l) => l.length > 0)

    const ses = recordingSes()
    await testServices().mail.weeklyDigest()
    const digestFor = (email: string) => ses.sent.filter((sent) => sent.to === email && /your week on flixpeek/i.test(sent.subject))
    for (let i = 0; i < 30 && digestFor(verifiedOptIn.email).length === 0; i++) {
      await drain(queue.url, {}, testServices({ SQS_QUEUE_URL: queue.url }, undefined, { ses: ses.transport }))
    }
    const [digest] = digestFor(verifiedOptIn.email)
    expect(digest!.text).toMatch(/Welcome/)
    expect(digest!.text).toMatch(/turned on the weekly email/)
    expect(digestFor(unverifiedOptIn.email)).toEqual([])
    expect(digestFor(verifiedOptOut.email)).toEqual([])
    const unsubscribe = /^<(.+)>$/.exec(digest!.headers!['List-Unsubscribe']!)![1]!
    expect(digest!.headers!['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click')
    expect(digest!.text).toContain(unsubscribe)

    // Another user's id with this link's signature: refused, and nothing changes for them.
    const url = new URL(unsubscribe)
    const forged = new URL(url)
    forged.searchParams.set('u', unverifiedOptIn.user.id)
    const refused = await SELF.fetch(`${ORIGIN}${forged.pathname}${forged.search}`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
    expect(refused.status).toBe(400)
    // The one-click POST a mail provider sends: no cookie, no Origin.
    const done = await SELF.fetch(`${ORIGIN}${url.pathname}${url.search}`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
    expect(done.status).toBe(200)
    const prefs = async (token: string) => ((await (await api('/me', { token })).json()) as { notifications: { digest_email: boolean } }).notifications
    expect((await prefs(verifiedOptIn.token)).digest_email).toBe(false)
    expect((await prefs(unverifiedOptIn.token)).digest_email).toBe(true)
  })
})
