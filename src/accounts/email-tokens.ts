import { ConditionalCheckFailedError } from '../data/errors'
import { writeUnlessDeleted } from './tombstone'
import type { DataStore, TransactItem } from '../data/store'
import { userPk } from '../shared/keys'
import { InvalidToken } from '../shared/errors'
import type { AccountDataParticipant } from '../shared/participants'

/**
 * Single-use tokens sent by email: a password reset (30 minutes) or an email verification
 * (24 hours). The link carries `<user id>.<32 random bytes>`; only a SHA-256 of the random part is
 * stored, in the user's own partition (USER#<id> / MAILTOKEN#<purpose>#<hash>), so export and
 * erasure find them with the user's other items and a leaked table cannot be turned into links.
 * Using one is a conditional delete: two clicks on one link cannot both succeed.
 */
export type TokenPurpose = 'reset' | 'verify'

export const TOKEN_LIFETIME_SECONDS: Record<TokenPurpose, number> = { reset: 30 * 60, verify: 24 * 3600 }
export const TOKEN_SK_PREFIX = 'MAILTOKEN#'

export interface TokenItem {
  pk: string
  sk: string
  type: 'mail_token'
  purpose: TokenPurpose
  /** The address a verification token confirms (an email change makes older links useless). */
  email: string
  created_at: string
  /** Epoch seconds: refused after this; DynamoDB's TTL removes the item later. */
  expires_at: number
}

const encoder = new TextEncoder()
const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

async function digest(secret: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(secret))))
}

const tokenSk = (purpose: TokenPurpose, hash: string) => `${TOKEN_SK_PREFIX}${purpose}#${hash}`
const TOKEN_SHAPE = /^([A-Za-z0-9-]{1,64})\.([A-Za-z0-9_-]{43})$/

export class EmailTokens {
  constructor(
    private readonly db: DataStore,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A fresh token for the user and the transaction item that stores its hash (the caller writes it). */
  async create(userId: string, purpose: TokenPurpose, email: string): Promise<{ token: string; write: TransactItem }> {
    const secret = base64url(crypto.getRandomValues(new Uint8Array(32)))
    const nowMs = this.now()
    const item: TokenItem = {
      pk: userPk(userId),
      sk: tokenSk(purpose, await digest(secret)),
      type: 'mail_token',
      purpose,
      email,
      created_at: new Date(nowMs).toISOString(),
      expires_at: Math.floor(nowMs / 1000) + TOKEN_LIFETIME_SECONDS[purpose],
    }
    return { token: `${userId}.${secret}`, write: { put: { table: this.table, item: { ...item } } } }
  }

  /** Creates and stores a token, unless the account is being deleted (AccountDeleted: no token may outlive the erasure). */
  async issue(userId: string, purpose: TokenPurpose, email: string): Promise<string> {
    const { token, write } = await this.create(userId, purpose, email)
    await writeUnlessDeleted(this.db, this.table, userId, write)
    return token
  }

  /**
   * Revokes every outstanding token of a purpose: a reset, a password change and "sign out everywhere" end every other
   * reset link at once (a link mailed before must not set the password again).
   */
  async revokeAll(userId: string, purpose: TokenPurpose): Promise<void> {
    const tokens = await tokensOf(this.db, this.table, userId, purpose)
    if (tokens.length > 0) await this.db.batchWrite(this.table, tokens.map((t) => ({ delete: { pk: t.pk, sk: t.sk } })))
  }

  /**
   * Uses a token up: deletes it on condition it is still there and unexpired, and returns the user
   * and the address it was sent to. InvalidToken when unknown, used, expired or malformed.
   */
  async consume(token: string, purpose: TokenPurpose): Promise<{ userId: string; email: string }> {
    const match = TOKEN_SHAPE.exec(token.trim())
    if (!match) throw new InvalidToken()
    const [, userId, secret] = match as unknown as [string, string, string]
    const key = { pk: userPk(userId), sk: tokenSk(purpose, await digest(secret)) }
    try {
      const old = await this.db.delete<TokenItem>(this.table, key, {
        condition: 'attribute_exists(pk) AND expires_at > :now',
        values: { ':now': Math.floor(this.now() / 1000) },
        returnOld: true,
      })
      if (!old) throw new InvalidToken()
      return { userId, email: old.email }
    } catch (error) {
      if (error instanceof ConditionalCheckFailedError) throw new InvalidToken()
      throw error
    }
  }
}

/** Every outstanding token of the user, or of one purpose. */
function tokensOf(db: DataStore, table: string, userId: string, purpose?: TokenPurpose): Promise<TokenItem[]> {
  return db.queryAll<TokenItem>(table, {
    keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
    values: { ':pk': userPk(userId), ':prefix': purpose ? `${TOKEN_SK_PREFIX}${purpose}#` : TOKEN_SK_PREFIX },
    consistent: true,
  })
}

/** Export lists the user's outstanding emailed tokens (purpose and times, never a hash); erasure deletes them. */
export function emailTokensParticipant(db: DataStore, table: string): AccountDataParticipant {
  const items = (userId: string) => tokensOf(db, table, userId)
  return {
    name: 'email_tokens',
    async export(userId) {
      const tokens = await items(userId)
      return {
        email_tokens: tokens.map((t) => ({ purpose: t.purpose, email: t.email, created_at: t.created_at, expires_at: new Date(t.expires_at * 1000).toISOString() })),
      }
    },
    async erase(userId) {
      const tokens = await items(userId)
      if (tokens.length > 0) await db.batchWrite(table, tokens.map((t) => ({ delete: { pk: t.pk, sk: t.sk } })))
    },
  }
}
