import { createExecutionContext, waitOnExecutionContext } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import type { Accounts } from '../../../src/accounts/service'
import { connectionFromConfig } from '../../../src/aws/client'
import { DynamoDb } from '../../../src/aws/dynamodb'
import { clientIp, uniqueEmail } from '../../support/harness/accounts'
import { testAws } from '../../support/harness/aws'
import { testServices } from '../../support/harness/services'

const { config } = testAws()

/** A DynamoDB adapter that records each call's operation, the kind of key it touches and its read mode. */
class RecordingDynamoDb extends DynamoDb {
  calls: string[] = []
  override async call<T = unknown>(operation: string, input: Record<string, unknown>): Promise<T> {
    const call = describeCall(operation, input)
    // The outbox's clean-up after a published event runs after the response, not as part of the request.
    if (call !== 'DeleteItem OUTBOX#') this.calls.push(call)
    return super.call<T>(operation, input)
  }
}

/** `GetItem EMAIL# consistent`: the key's prefix only (ids, emails and hashes differ between runs). */
function describeCall(operation: string, input: Record<string, unknown>): string {
  const text = JSON.stringify(input.Key ?? input.TransactItems ?? input)
  const prefixes = [...text.matchAll(/"pk":\{"S":"([A-Z]+#)/g)].map((m) => m[1]).join('+')
  return `${operation} ${prefixes}${input.ConsistentRead ? ' consistent' : ''}`
}

function recordingAccounts() {
  const db = new RecordingDynamoDb(connectionFromConfig(config, config.DYNAMODB_ENDPOINT))
  // Work deferred past the response (the sign-up's verification email) is waited for before measuring the next call.
  const ctx = createExecutionContext()
  return { db, accounts: testServices({}, ctx, { db: () => db }).accounts, settle: () => waitOnExecutionContext(ctx) }
}

async function failedLogin(accounts: Accounts, email: string): Promise<number> {
  const started = performance.now()
  await expect(accounts.login(email, 'not the password', clientIp())).rejects.toMatchObject({ code: 'invalid_credentials' })
  return performance.now() - started
}

/** F3: the store calls of a login or sign-up must not tell a registered email from an unknown one. */
describe('same store calls for known and unknown emails (F3)', { timeout: 120_000 }, () => {
  it('should make the same sequence of store calls for a failed login with a known and an unknown email', async () => {
    const { db, accounts, settle } = recordingAccounts()
    const known = uniqueEmail('known')
    await accounts.signup({ email: known, password: 'the right password' }, clientIp())
    await settle()

    db.calls = []
    await failedLogin(accounts, known)
    const knownCalls = db.calls

    db.calls = []
    await failedLogin(accounts, uniqueEmail('unknown'))
    const unknownCalls = db.calls

    expect(knownCalls).toEqual(['BatchGetItem RATE#+RATE#', 'UpdateItem RATE#', 'UpdateItem RATE#', 'GetItem EMAIL# consistent', 'GetItem USER# consistent'])
    expect(unknownCalls).toEqual(knownCalls)

    // Timing, for the report only (no assertion on wall-clock time).
    const rounds = 4
    let knownMs = 0
    let unknownMs = 0
    for (let i = 0; i < rounds; i++) {
      knownMs += await failedLogin(accounts, known)
      unknownMs += await failedLogin(accounts, uniqueEmail('unknown'))
    }
    console.info(`F3 timing: failed login known ${(knownMs / rounds).toFixed(1)} ms, unknown ${(unknownMs / rounds).toFixed(1)} ms (mean of ${rounds})`)
  })

  it('should make the same sequence of store calls for a sign-up with a taken and a free email', async () => {
    const { db, accounts, settle } = recordingAccounts()
    const taken = uniqueEmail('taken')
    await accounts.signup({ email: taken, password: 'the right password' }, clientIp())
    await settle()

    db.calls = []
    await expect(accounts.signup({ email: taken, password: 'another password' }, clientIp())).rejects.toMatchObject({ code: 'email_taken' })
    const takenCalls = db.calls

    db.calls = []
    await accounts.signup({ email: uniqueEmail('free'), password: 'another password' }, clientIp())
    expect(db.calls).toEqual(takenCalls)
    // No holder look-up: sign-up never takes an address from its holder (audit 3, M2).
    expect(takenCalls).toEqual(['GetItem RATE# consistent', 'UpdateItem RATE#', 'TransactWriteItems EMAIL#+USER#+OUTBOX#'])
  })
})
