import type { Config } from '../config'
import type { DataStore } from '../data/store'
import { burnTime, hashPassword, pepperKey, verifyPassword, type Pepper } from '../auth/password'
import { issueToken, verifyToken, type SessionClaims } from '../auth/tokens'
import type { Outbox } from '../events/outbox'
import { events } from '../events/schema'
import { EmailTaken, InvalidCredentials, InvalidPassword, SessionEnded } from '../shared/errors'
import type { AccountDataParticipant } from '../shared/participants'
import { eraseUserItems, exportUserItems, type UserExport } from './data'
import { countedPasswordCheck } from './password-attempts'
import { EmailTokens } from './email-tokens'
import { Recovery, type MailNow } from './recovery/service'
import { writeTombstone } from './tombstone'
import { AccountStore, EmailTakenError, ProfileChangedError } from './store'
import { LIMITS, Throttle } from './throttle'
import { DEFAULT_NOTIFICATION_PREFS, generatedDisplayName, normaliseEmail, type Language, type NotificationPrefs, type Profile } from './types'

export interface SignupInput {
  email: string
  password: string
  display_name?: string | undefined
  language?: Language | undefined
}

export interface ProfilePatch {
  email?: string | undefined
  password?: string | undefined
  display_name?: string | undefined
  language?: Language | undefined
  /** "Where to watch"'s region (already checked against the list); null clears it. */
  region?: string | null | undefined
  notifications?: NotificationPrefs | undefined
  current_password?: string | undefined
}

export interface AccountsDeps {
  db: DataStore
  table: string
  config: Config
  /** Domain events (sign-up, password and email changes), staged in the change's own transaction and published after it. */
  outbox: Outbox
  /** Every feature that stores data about a user: export and erasure go through each. */
  participants: () => AccountDataParticipant[]
  /** After a display-name change (reviews carry the name denormalised). */
  onDisplayNameChanged: (userId: string, displayName: string) => Promise<void>
  /** After the weekly-digest switch changed (the digest feature keeps its list of subscribers). */
  onDigestChanged?: (userId: string, subscribed: boolean) => Promise<void>
  /** Sends an event's email right after the response (verification, reset, security notices). */
  mailNow?: MailNow
  /**
   * Called with a verified token's user id just before the profile is read: the composition root reads the profile
   * together with the items nearly every signed-in request reads next, in one batch (src/data/prefetch.ts).
   */
  beforeProfileRead?: (userId: string) => void
}

const peppers = new WeakMap<Config, Promise<Pepper>>()

/** Sign-up, login, sessions, profile changes, export and erasure. Routes (HTML and JSON) call only this. */
export class Accounts {
  private readonly store: AccountStore
  private readonly throttle: Throttle
  private readonly config: Config
  private readonly mailNow: MailNow
  /** Password recovery and email verification by emailed link. */
  readonly recovery: Recovery
  /** The emailed single-use tokens (the mail handler issues links with them). */
  readonly tokens: EmailTokens

  constructor(private readonly deps: AccountsDeps) {
    this.store = new AccountStore(deps.db, deps.table)
    this.throttle = new Throttle(deps.db, deps.table, Date.now, deps.config.PASSWORD_PEPPER ?? deps.config.jwtSecret)
    this.config = deps.config
    this.mailNow = deps.mailNow ?? (() => undefined)
    this.tokens = new EmailTokens(deps.db, deps.table)
    this.recovery = new Recovery({
      db: deps.db,
      table: deps.table,
      store: this.store,
      throttle: this.throttle,
      outbox: deps.outbox,
      tokens: this.tokens,
      hash: async (password) => hashPassword(await this.pepper(), password),
      mailNow: this.mailNow,
    })
  }

  /** The stored profile of a user (the mail handler's look-up), or undefined when the account is gone. */
  profileOf(userId: string): Promise<Profile | undefined> {
    return this.store.byId(userId)
  }

  private pepper(): Promise<Pepper> {
    let key = peppers.get(this.config)
    if (!key) {
      key = pepperKey(this.config)
      peppers.set(this.config, key)
    }
    return key
  }

  /** A fresh session token for the profile's current token version. */
  token(profile: Profile): Promise<string> {
    return issueToken(this.config.jwtSecret, { sub: profile.id, tv: profile.token_version })
  }

  /** The user a token belongs to, or null when it is invalid, expired or revoked (older token version). */
  async userForToken(token: string): Promise<Profile | null> {
    const claims: SessionClaims | null = await verifyToken(this.config.jwtSecret, token)
    if (!claims) return null
    this.deps.beforeProfileRead?.(claims.sub)
    const profile = await this.store.byId(claims.sub)
    return profile && profile.token_version === claims.tv ? profile : null
  }

  /** 429 with Retry-After when the client has signed up too often; 409 when the email is taken. */
  async signup(input: SignupInput, client: string): Promise<Profile> {
    await this.throttle.reserve(LIMITS.signupPerClient, client)
    const now = new Date().toISOString()
    const profile: Profile = {
      id: crypto.randomUUID(),
      email: normaliseEmail(input.email),
      display_name: input.display_name?.trim() || generatedDisplayName(),
      language: input.language ?? 'en',
      created_at: now,
      updated_at: now,
      password_hash: await hashPassword(await this.pepper(), input.password),
      token_version: 1,
      notifications: { ...DEFAULT_NOTIFICATION_PREFS },
      email_verified: false,
      email_set_at: now,
    }
    // Sign-up never takes an address from its holder, verified or not (audit 3, M2): whoever controls the mailbox
    // takes the account back through a reset link, which replaces the password and ends the holder's sessions.
    const staged = this.deps.outbox.stage(events.signedUp(profile.id))
    try {
      await this.store.create(profile, staged.writes)
    } catch (error) {
      if (error instanceof EmailTakenError) throw new EmailTaken()
      throw error
    }
    staged.release()
    this.mailNow(staged.event)
    return profile
  }

  private async erase(profile: Profile): Promise<void> {
    await writeTombstone(this.deps.db, this.deps.table, profile.id)
    await eraseUserItems(this.deps.db, this.deps.table, profile.id, this.deps.participants())
    await this.store.deleteProfile(profile)
  }

  /**
   * The same 401 for an unknown email and a wrong password, after the same hashing work.
   * A slot on the per-account and per-client counters is taken first and given back on success,
   * so only failures count and concurrent guesses cannot overshoot the limits.
   */
  async login(emailInput: string, password: string, client: string): Promise<Profile> {
    const email = normaliseEmail(emailInput)
    const slot = await this.throttle.reserveAll([
      [LIMITS.loginPerAccount, email],
      [LIMITS.loginPerClient, client],
    ])
    const pepper = await this.pepper()
    const profile = await this.store.byEmail(email)
    if (!profile) {
      await burnTime(pepper, password)
      throw new InvalidCredentials()
    }
    const result = await verifyPassword(pepper, password, profile.password_hash)
    if (!result.ok) throw new InvalidCredentials()
    await slot.refund()
    if (result.needsRehash) {
      const password_hash = await hashPassword(pepper, password)
      // Conditional on the version read: a concurrent password change wins over the rehash.
      await this.store.update(profile.id, { password_hash }, { expectVersion: profile.token_version }).catch(() => undefined)
    }
    return profile
  }

  /** 403 invalid_password unless `password` is the user's current one; wrong guesses count like failed logins (429). */
  async checkPassword(profile: Profile, password: string | undefined, client = 'unknown-peer'): Promise<void> {
    const verify = async () => (await verifyPassword(await this.pepper(), password ?? '', profile.password_hash)).ok
    if (!(await countedPasswordCheck(this.throttle, { email: profile.email, client }, verify))) throw new InvalidPassword()
  }

  /**
   * Applies a profile patch. Email and password changes need the current password and
   * revoke every older token: `rotated` tells the caller to hand out a fresh token. `current` is the
   * profile as the request authenticated with it; the writes are conditional where a race matters.
   */
  async update(current: Profile, patch: ProfilePatch, client?: string): Promise<{ profile: Profile; rotated: boolean }> {
    const userId = current.id
    const newEmail = patch.email === undefined ? undefined : normaliseEmail(patch.email)
    const emailChanges = newEmail !== undefined && newEmail !== current.email
    const passwordChanges = patch.password !== undefined
    if (emailChanges || passwordChanges) await this.checkPassword(current, patch.current_password, client)
    // An email change mails two addresses: counted with verification resends, 5 an hour (audit 3, M3). After the
    // password check, so wrong guesses meet the password limits (10 per account) as before.
    if (emailChanges) await this.throttle.reserve(LIMITS.mailActionsPerAccount, userId)
    const fields = {
      display_name: patch.display_name?.trim() || undefined,
      language: patch.language,
      region: patch.region,
      // A client that does not know a switch (digest_email) leaves it as it was.
      notifications: patch.notifications ? { ...DEFAULT_NOTIFICATION_PREFS, ...current.notifications, ...patch.notifications } : undefined,
      password_hash: passwordChanges ? await hashPassword(await this.pepper(), patch.password!) : undefined,
      // A new address is unverified until the link sent to it is opened.
      // The old address is kept on the profile (events carry no addresses) so it hears about the change.
      ...(emailChanges ? { email_verified: false, email_set_at: new Date().toISOString(), previous_email: current.email } : {}),
    }
    // Email and password changes are one transaction each: their events ride in it (the outbox).
    const staged = [...(emailChanges ? [events.emailChanged(userId)] : []), ...(passwordChanges ? [events.passwordChanged(userId)] : [])].map((e) =>
      this.deps.outbox.stage(e),
    )
    const outboxWrites = staged.flatMap((e) => e.writes)
    try {
      const profile = emailChanges
        ? await this.store.changeEmail(current, newEmail, fields, outboxWrites)
        : await this.store.update(userId, fields, passwordChanges ? { revoke: true, expectVersion: current.token_version } : {}, outboxWrites)
      // Reviews carry the reviewer's name: keep them in step with the profile.
      if (profile.display_name !== current.display_name) await this.deps.onDisplayNameChanged(userId, profile.display_name)
      const digest = profile.notifications?.digest_email === true
      if (digest !== (current.notifications?.digest_email === true)) await this.deps.onDigestChanged?.(userId, digest)
      // A reset link mailed before must not set the password again.
      if (passwordChanges) await this.tokens.revokeAll(userId, 'reset')
      for (const event of staged) {
        event.release()
        this.mailNow(event.event)
      }
      return { profile, rotated: emailChanges || passwordChanges }
    } catch (error) {
      if (error instanceof EmailTakenError) throw new EmailTaken()
      if (error instanceof ProfileChangedError) throw new SessionEnded()
      throw error
    }
  }

  /** Revokes every token of the user (the caller's included), and every outstanding reset link. */
  async logoutAll(userId: string): Promise<Profile> {
    const profile = await this.store.update(userId, {}, { revoke: true })
    await this.tokens.revokeAll(userId, 'reset')
    return profile
  }

  /** Deletes every item of the user after checking the password: list, reviews (aggregates corrected), notifications, profile, marker. */
  async deleteAccount(profile: Profile, currentPassword: string | undefined, client?: string): Promise<void> {
    await this.checkPassword(profile, currentPassword, client)
    await this.erase(profile)
  }

  /** Turns the weekly digest off from an unsubscribe link (no session: the link's signature stands for the user). */
  async unsubscribeDigest(userId: string): Promise<boolean> {
    const profile = await this.store.byId(userId)
    if (!profile) return false
    if (profile.notifications?.digest_email === true) {
      await this.store.update(userId, { notifications: { ...DEFAULT_NOTIFICATION_PREFS, ...profile.notifications, digest_email: false } })
    }
    await this.deps.onDigestChanged?.(userId, false)
    return true
  }

  async exportData(profile: Profile): Promise<UserExport> {
    return exportUserItems(profile, this.deps.participants())
  }

  /** Notification switches of the users that exist (a deleted account is simply absent from the map). */
  async preferencesOf(userIds: string[], opts: { consistent?: boolean } = {}): Promise<Map<string, NotificationPrefs>> {
    const profiles = await this.store.slices(userIds, opts)
    return new Map(profiles.map((p) => [p.id, { ...DEFAULT_NOTIFICATION_PREFS, ...(p.notifications ?? {}) }]))
  }
}
