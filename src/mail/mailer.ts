import { RateLimited } from '../shared/errors'

/**
 * The Mailer port: how features send email, injected like the catalog. Templates are named and
 * rendered by the implementation in the recipient's locale; callers pass ids and numbers, never
 * rendered text. The only implementation for now logs, and is refused in production.
 */
export interface MailMessage {
  to: string
  /** A template name, e.g. `verify-email`, `password-reset`, `digest`. */
  template: string
  params: Record<string, string | number | boolean | null>
  locale: string
}

export interface Mailer {
  send(message: MailMessage): Promise<void>
}

export class MailerUnavailableError extends Error {
  override name = 'MailerUnavailableError'
}

/** A short, stable, non-reversible tag for a recipient: logs can tell two sends to one person apart without naming them. */
async function recipientTag(address: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(address.trim().toLowerCase())))
  return Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Development stand-in: logs the template name and a hash of the recipient — never the address,
 * a link, a token or any param (params may carry all three). Refuses to run in production, where
 * a mail that silently goes nowhere would be a lost password reset.
 */
export function logMailer(options: { production: boolean; log?: (line: string) => void }): Mailer {
  const log = options.log ?? ((line: string) => console.log(line))
  return {
    async send(message) {
      if (options.production) throw new MailerUnavailableError('no mail transport is configured for production')
      log(JSON.stringify({ mail: message.template, locale: message.locale, to: await recipientTag(message.to) }))
    },
  }
}

/** The per-recipient counter the budget uses (the accounts throttle fits: it throws RateLimited when full). */
export interface RecipientCounter {
  reserve(address: string): Promise<unknown>
}

/**
 * Caps what any one address receives, whatever asks for the mail (audit 3, M3): past the day's budget a mail is
 * dropped, not failed, so the event is done and nothing retries it. Addresses are counted normalised (trimmed, lower
 * case) under the throttle's HMAC-keyed items, so the table never names them.
 */
export function budgetedMailer(inner: Mailer, counter: RecipientCounter, log: (line: string) => void = (line) => console.warn(line)): Mailer {
  return {
    async send(message) {
      try {
        await counter.reserve(message.to.trim().toLowerCase())
      } catch (error) {
        if (!(error instanceof RateLimited)) throw error
        // By template only: never the address.
        return log(JSON.stringify({ mail: message.template, dropped: 'recipient-budget' }))
      }
      await inner.send(message)
    },
  }
}
