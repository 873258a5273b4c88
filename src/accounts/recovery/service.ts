import type { DataStore } from '../../data/store'
import type { DomainEvent } from '../../events/schema'
import { events } from '../../events/schema'
import type { Outbox } from '../../events/outbox'
import { InvalidToken, RateLimited } from '../../shared/errors'
import { EmailTokens } from '../email-tokens'
import { notDeleted } from '../tombstone'
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

  /**
   * The same 202 for every address; at most 5 reset emails per address per hour (silently). More than 20 requests from
   * one client in an hour throw RateLimited (429): that limit is about the client, so it tells nothing about accounts.
   */
  async requestReset(emailInput: string, client: string): Promise<void> {
    const email = normaliseEmail(emailInput)
    await this.deps.throttle.reserve(LIMITS.resetPerClient, client)
    try {
      await this.deps.throttle.reserve(LIMITS.resetPerAccount, email)
    } catch (error) {
      if (error instanceof RateLimited) return
      throw error
    }
    const profile = await this.deps.store.byEmail(email)
    const userId = profile?.id ?? `absent-${crypto.randomUUID()}`
    const { token, write } = await this.deps.tokens.create(userId, 'reset', email)
    // An unknown address publishes no event (audit 3, M4: nothing to flood the queue with), but its transaction has the
    // same writes: a decoy of the outbox item that is never published and expires.
    const input = events.passwordResetRequested(userId)
    const staged = profile ? this.deps.outbox.stage(input) : this.deps.outbox.decoy(input)
    // Beside the tombstone check (an absent id's passes): no token of an account being deleted outlives its erasure.
    await this.deps.db.transactWrite([await notDeleted(this.deps.table, userId), write, ...staged.writes])
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

  /** Sends a fresh verification link (the profile page's "send again"); more than 5 an hour (with email changes) → 429. */
  async resendVerification(userId: string): Promise<void> {
    await this.deps.throttle.reserve(LIMITS.mailActionsPerAccount, userId)
    const staged = this.deps.outbox.stage(events.verificationRequested(userId))
    if (staged.writes.length > 0) await this.deps.db.transactWrite(staged.writes)
    staged.release()
    this.deps.mailNow(staged.event)
  }
}
