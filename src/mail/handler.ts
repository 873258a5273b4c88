import type { HandlerResult, Subscriber } from '../events/dispatcher'
import type { Once } from '../events/markers'
import type { DomainEvent } from '../events/schema'
import type { MailLinks } from './links'
import type { MailMessage, Mailer } from './mailer'
import type { DigestReport } from './digest'
import type { DigestLine } from './templates'

/** What the mail handler knows of a user (the accounts feature's profile fits). */
export interface Recipient {
  id: string
  email: string
  display_name: string
  language: string
  email_verified?: boolean
  /** The address before the last email change. */
  previous_email?: string
  notifications?: { digest_email?: boolean }
}

export interface MailHandlerDeps {
  mailer: Mailer
  links: MailLinks
  profileOf(userId: string): Promise<Recipient | undefined>
  /** Stores a fresh single-use token and returns it (the consumer's path: the deferred send's token is gone). */
  issueToken(userId: string, purpose: 'reset' | 'verify', email: string): Promise<string>
  /** The reader's unread notifications created since `since`, rendered in `locale`. */
  unreadSince(userId: string, since: string, locale: string): Promise<DigestLine[]>
  unsubscribeSignature(userId: string): Promise<string>
}

/** A raw token the request just created (a deferred send uses it; the queue consumer issues a new one). */
export interface MailHint {
  token?: string
}

/** Email beyond the per-event sends (what Services.mail offers routes and jobs). */
export interface MailJobs {
  /** The weekly digest cron: queues one digest per subscriber. */
  weeklyDigest(now?: Date): Promise<DigestReport>
  /** Turns the digest off for `userId` when `signature` is that user's link signature; false otherwise. */
  unsubscribe(userId: string, signature: string): Promise<boolean>
  /** Sends an event's email now (what a request does right after its response); the queue consumer is the fallback. */
  deliver(event: DomainEvent, hint?: MailHint): Promise<unknown>
}

export interface MailHandler extends Subscriber {
  /** The same work as `handle`, with what the request still has in memory. */
  deliver(event: DomainEvent, once: Once, hint?: MailHint): Promise<HandlerResult>
}

/** The events that send an email (in-app notifications reach the inbox only in the digest, `user.digest_due`). */
const MAIL_EVENTS: readonly DomainEvent['type'][] = [
  'user.signed_up',
  'user.verification_requested',
  'user.email_changed',
  'user.password_changed',
  'user.password_reset_requested',
  'user.digest_due',
]

const DAY_MS = 24 * 3600 * 1000

/**
 * Sends the emails events call for. Each send claims the event's `mail` marker first, marks it done once sent, and
 * gives it back when sending failed, so a redelivered message never sends twice once sent, and a failed
 * send is tried again by the next delivery (finally parked in the DLQ by the queue's redrive policy).
 * The request path calls `deliver` right after its response; the queue consumer is the fallback.
 */
export function mailHandler(deps: MailHandlerDeps): MailHandler {
  const deliver = async (event: DomainEvent, once: Once, hint: MailHint = {}): Promise<HandlerResult> => {
    if (!MAIL_EVENTS.includes(event.type)) return { duplicate: false, delivered: 0 }
    if (!(await once.claim())) return { duplicate: true, delivered: 0 }
    let delivered: number
    try {
      delivered = await send(deps, event, hint)
    } catch (error) {
      await once.release().catch(() => undefined)
      throw error
    }
    await once.done()
    return { duplicate: false, delivered }
  }
  return { name: 'mail', on: MAIL_EVENTS, deliver, handle: (event, once) => deliver(event, once) }
}

async function send(deps: MailHandlerDeps, event: DomainEvent, hint: MailHint): Promise<number> {
  const user = await deps.profileOf(event.user_id)
  // The account is gone, or never existed (a reset asked for an unknown address): nothing to send.
  if (!user) return 0
  // The display name is the account holder's own text: only in mail to the address they proved is theirs. A mail to an
  // unverified address (a sign-up's verification link, perhaps to someone else's mailbox) greets nobody by name.
  const named = (template: string, to: string) => user.email_verified === true && to === user.email && template !== 'verify-email'
  const mail = (template: string, params: MailMessage['params'], to = user.email) =>
    deps.mailer.send({ to, template, locale: user.language, params: { ...(named(template, to) ? { name: user.display_name } : {}), ...params } })
  const verification = async () => {
    if (user.email_verified === true) return 0
    const token = hint.token ?? (await deps.issueToken(user.id, 'verify', user.email))
    await mail('verify-email', { link: deps.links.verify(token), email: user.email })
    return 1
  }
  switch (event.type) {
    case 'user.signed_up':
    case 'user.verification_requested':
      return verification()
    case 'user.email_changed': {
      const sent = await verification()
      const previous = user.previous_email
      if (!previous || previous === user.email) return sent
      await mail('email-changed', { link: deps.links.forgot() }, previous)
      return sent + 1
    }
    case 'user.password_changed':
      await mail('password-changed', { link: deps.links.forgot() })
      return 1
    case 'user.password_reset_requested': {
      const token = hint.token ?? (await deps.issueToken(user.id, 'reset', user.email))
      await mail('password-reset', { link: deps.links.reset(token) })
      return 1
    }
    case 'user.digest_due': {
      // Opted in and verified when it is sent, not only when the cron listed the user.
      if (user.email_verified !== true || user.notifications?.digest_email !== true) return 0
      const since = new Date(Date.parse(event.payload.week) - 7 * DAY_MS).toISOString()
      const lines = await deps.unreadSince(user.id, since, user.language)
      if (lines.length === 0) return 0
      await mail('digest', {
        items: JSON.stringify(lines),
        link: deps.links.notifications(),
        unsubscribe_url: deps.links.unsubscribe(user.id, await deps.unsubscribeSignature(user.id)),
      })
      return 1
    }
    default:
      return 0
  }
}
