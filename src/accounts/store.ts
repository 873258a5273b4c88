import { ConditionalCheckFailedError, TransactionCanceledError } from '../data/errors'
import type { DataStore, TransactItem } from '../data/store'
import { retryOptimistic } from '../shared/conflict-retry'
import { emailKey, profileKey } from './keys'
import type { NotificationPrefs, Profile } from './types'

/** The email is already someone's (the marker's condition failed). */
export class EmailTakenError extends Error {
  override name = 'EmailTakenError'
}

/** The profile changed between read and write (a concurrent update): the caller may retry or give up. */
export class ProfileChangedError extends Error {
  override name = 'ProfileChangedError'
}

type ProfileFields = Partial<Pick<Profile, 'display_name' | 'language' | 'region' | 'notifications' | 'password_hash' | 'email_verified' | 'email_set_at' | 'previous_email'>>

/** `#field = :field` for each field that is set, adding the names and values it uses. */
function setClauses(fields: ProfileFields, names: Record<string, string>, values: Record<string, unknown>): string[] {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => {
      names[`#${name}`] = name
      values[`:${name}`] = value
      return `#${name} = :${name}`
    })
}

/** DynamoDB access for profiles and email markers. Uniqueness only through conditional transactions. */
export class AccountStore {
  constructor(
    private readonly db: DataStore,
    private readonly table: string,
  ) {}

  /** Creates the profile and its email marker together; EmailTakenError when the marker exists. */
  async create(profile: Profile, outboxWrites: TransactItem[] = []): Promise<void> {
    try {
      // Racing sign-ups for one email may cancel each other (TransactionConflict): retry until one wins the marker.
      await retryOptimistic(async () => {
        await this.db.transactWrite([
          {
            put: {
              table: this.table,
              item: { ...emailKey(profile.email), type: 'email', user_id: profile.id },
              condition: 'attribute_not_exists(pk)',
            },
          },
          { put: { table: this.table, item: { ...profileKey(profile.id), type: 'user', ...profile }, condition: 'attribute_not_exists(pk)' } },
          ...outboxWrites,
        ])
        return true
      })
    } catch (error) {
      if (error instanceof TransactionCanceledError && error.conditionFailedAt(0)) throw new EmailTakenError()
      throw error
    }
  }

  async byId(userId: string): Promise<Profile | undefined> {
    const item = await this.db.get<Profile & { pk: string }>(this.table, profileKey(userId), { consistent: true })
    return item ? strip(item) : undefined
  }

  /** Id and notification switches of the profiles that exist, in one BatchGetItem per 100. */
  async slices(userIds: string[], opts: { consistent?: boolean } = {}): Promise<{ id: string; notifications?: Partial<NotificationPrefs> }[]> {
    const unique = [...new Set(userIds)]
    if (unique.length === 0) return []
    return this.db.batchGet(this.table, unique.map(profileKey), opts)
  }

  /**
   * The profile an email belongs to. Always two consistent reads (marker, then profile): for an
   * unknown email the second read is of a random id that cannot exist, so a known and an unknown
   * email cost the same store calls and take the same time (no account enumeration by timing).
   */
  async byEmail(email: string): Promise<Profile | undefined> {
    const marker = await this.db.get<{ user_id: string }>(this.table, emailKey(email), { consistent: true })
    const profile = await this.byId(marker?.user_id ?? `absent-${crypto.randomUUID()}`)
    return marker ? profile : undefined
  }

  /**
   * Writes profile fields. `revoke` bumps the token version (old tokens stop working);
   * `expectVersion` makes the write conditional on the version read before (no lost update
   * between a password check and the write). `outboxWrites` (a change's events) ride in the same
   * transaction. Returns the updated profile.
   */
  async update(userId: string, fields: ProfileFields, opts: { revoke?: boolean; expectVersion?: number } = {}, outboxWrites: TransactItem[] = []): Promise<Profile> {
    const names: Record<string, string> = {}
    const values: Record<string, unknown> = { ':now': new Date().toISOString() }
    const sets = ['updated_at = :now', ...setClauses(fields, names, values)]
    let update = `SET ${sets.join(', ')}`
    if (opts.revoke) {
      update += ' ADD token_version :one'
      values[':one'] = 1
    }
    let condition = 'attribute_exists(pk)'
    if (opts.expectVersion !== undefined) {
      condition += ' AND token_version = :expected'
      values[':expected'] = opts.expectVersion
    }
    if (outboxWrites.length > 0) {
      try {
        // Other features' transactions touch the profile too (recommendations mirror their picks' version on it): a
        // transaction conflict is retried, never a failed condition.
        await retryOptimistic(async () => (await this.db.transactWrite([{ update: { table: this.table, key: profileKey(userId), update, condition, names, values } }, ...outboxWrites]), true))
      } catch (error) {
        if (error instanceof TransactionCanceledError && error.conditionFailedAt(0)) throw new ProfileChangedError()
        throw error
      }
      const updated = await this.byId(userId)
      if (!updated) throw new ProfileChangedError()
      return updated
    }
    try {
      const item = await retryOptimistic(() => this.db.update<Profile & { pk: string }>(this.table, profileKey(userId), { update, condition, names, values }))
      return strip(item)
    } catch (error) {
      if (error instanceof ConditionalCheckFailedError) throw new ProfileChangedError()
      throw error
    }
  }

  /**
   * Moves the email marker and updates the profile in one transaction (plus any other
   * profile fields), revoking old tokens. EmailTakenError when the new email is someone's.
   */
  async changeEmail(current: Profile, newEmail: string, fields: ProfileFields, outboxWrites: TransactItem[] = []): Promise<Profile> {
    const names: Record<string, string> = { '#email': 'email' }
    const values: Record<string, unknown> = { ':email': newEmail, ':now': new Date().toISOString(), ':one': 1, ':tv': current.token_version }
    const sets = ['#email = :email', 'updated_at = :now', ...setClauses(fields, names, values)]
    const items: TransactItem[] = [
      {
        put: {
          table: this.table,
          item: { ...emailKey(newEmail), type: 'email', user_id: current.id },
          condition: 'attribute_not_exists(pk)',
        },
      },
      { delete: { table: this.table, key: emailKey(current.email), condition: 'user_id = :id', values: { ':id': current.id } } },
      {
        update: {
          table: this.table,
          key: profileKey(current.id),
          update: `SET ${sets.join(', ')} ADD token_version :one`,
          condition: 'token_version = :tv',
          names,
          values,
        },
      },
      ...outboxWrites,
    ]
    try {
      await retryOptimistic(async () => {
        await this.db.transactWrite(items)
        return true
      })
    } catch (error) {
      if (error instanceof TransactionCanceledError) {
        if (error.conditionFailedAt(0)) throw new EmailTakenError()
        if (error.conditionFailed) throw new ProfileChangedError()
      }
      throw error
    }
    const updated = await this.byId(current.id)
    if (!updated) throw new ProfileChangedError()
    return updated
  }

  /** Deletes the profile and its email marker together (the last step of erasing an account). */
  async deleteProfile(profile: Profile): Promise<void> {
    await this.db.transactWrite([
      { delete: { table: this.table, key: profileKey(profile.id) } },
      { delete: { table: this.table, key: emailKey(profile.email), condition: 'attribute_not_exists(pk) OR user_id = :id', values: { ':id': profile.id } } },
    ])
  }
}

function strip(item: Profile & { pk?: string; sk?: string; type?: string }): Profile {
  const { pk: _pk, sk: _sk, type: _type, ...profile } = item
  return profile
}
