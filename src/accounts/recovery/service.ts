import type { DataStore } from '../../data/store'
import type { DomainEvent } from '../../events/schema'
import { events } from '../../events/schema'
import type { Outbox } from '../../events/outbox'
import { InvalidToken, RateLimited } from '../../shared/errors'
import { EmailTokens } from '../email-tokens'
import type { AccountStore } from '../store'
import { LIMITS, type Throttle } from '../throttle'
import { normaliseEmail } from '../types'

/** What a deferred send may use that the queue consumer does not have: the raw token just created. */
export interface MailHint {
  token?: string
}

/** Sends the email an event calls for right after the response (the queue consumer is the fallback). */
export type MailNow = (event: DomainEvent, hint?: MailHint) => void

export interface RecoveryDeps {
  db: DataStore
  table: string
  store: AccountStore
  throttle: Throttle
  outbox: Outbox
  tokens: EmailTokens
  hash: (password: string) => Promise<string>
  mailNow: MailNow
}

/**
 * Password recovery and email verification by emailed link. Requesting a reset costs the same
 * store calls whether or not the address has an account (a token and an event are written for a
 * random id that cannot exist), so neither the answer nor the work tells who has an account.
 */
export class Recovery {
  constructor(private readonly deps: RecoveryDeps) {}

  /** Always resolves (the same 202 for everyone); at most 5 reset emails per address per hour. */
  async requestReset(emailInput: string): Promise<void> {
    const email = normaliseEmail(emailInput)
    try {
      await this.deps.throttle.reserve(LIMITS.resetPerAccount, email)
    } catch (error) {
      if (error instanceof RateLimited) return
      throw error
    }
    const profile = await this.deps.store.byEmail(email)
    const userId = profile?.id ?? `absent-${crypto.randomUUID()}`
    const { token, write } = await this.deps.tokens.create(userId, 'reset', email)
    const staged = this.deps.outbox.stage(events.passwordResetRequested(userId))
    await this.deps.db.transactWrite([write, ...staged.writes])
    staged.release()
    this.deps.mailNow(staged.event, { token })
  }

  /**
   * Sets a new password from a reset link: the link is used up with every other reset link, every session ends (token version),
   * and the address counts as verified (the link reached it). The `security` notification and the
   * "your password was changed" email follow from the event.
   */
  async confirmReset(token: string, password: string): Promise<void> {
    const { userId, email } = await this.deps.tokens.consume(token, 'reset')
    const profile = await this.deps.store.byId(userId)
    if (!profile || profile.email !== email) throw new InvalidToken()
    const password_hash = await this.deps.hash(password)
    const staged = this.deps.outbox.stage(events.passwordChanged(userId))
    await this.deps.store.update(userId, { password_hash, email_verified: true }, { revoke: true }, staged.writes)
    await this.deps.tokens.revokeAll(userId, 'reset')
    staged.release()
    this.deps.mailNow(staged.event)
  }

  /** Confirms the address a verification link was sent to (if it is still the account's address). */
  async verify(token: string): Promise<void> {
    const { userId, email } = await this.deps.tokens.consume(token, 'verify')
    const profile = await this.deps.store.byId(userId)
    if (!profile || profile.email !== email) throw new InvalidToken()
    if (!profile.email_verified) await this.deps.store.update(userId, { email_verified: true })
  }

  /** Sends a fresh verification link (the profile page's "send again"). */
  async resendVerification(userId: string): Promise<void> {
    const staged = this.deps.outbox.stage(events.verificationRequested(userId))
    if (staged.writes.length > 0) await this.deps.db.transactWrite(staged.writes)
    staged.release()
    this.deps.mailNow(staged.event)
  }
}
