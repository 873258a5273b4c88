import { expect } from 'vitest'
import type { EventQueue, QueueMessage } from '../../../src/events/dispatcher'
import { profileKey } from '../../../src/accounts/keys'
import { normaliseEmail } from '../../../src/accounts/types'
import { parseEventMessage } from '../../../src/events/schema'
import { testAws } from './aws'

/**
 * Which test file signed a user up, so that a file's drains leave other files' users alone.
 *
 * A private queue subscribed to the events topic receives every file's events (SNS fans each one out to every
 * subscribed queue), and draining it with the app's handlers would welcome, alert or notify users of tests running
 * at the same time in other files and processes, whose assertions count their notifications exactly. Each user the
 * harness signs up is recorded with its file, by email and before the sign-up is sent (the user id, and the event,
 * come after), in the suite's table so every process sees it; a drain of a subscribed queue looks each event's user
 * up and deletes, unhandled, the events of users another file recorded. Users nobody recorded (made by a test's own
 * raw requests) are handled by whoever drains: their tests never count another file's notifications.
 */

const ownerKey = async (email: string) => {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(normaliseEmail(email))))
  // A digest, not the address: a test that scans the table for every item mentioning a user must not find this one.
  return { pk: `TESTOWNER#${[...digest].map((b) => b.toString(16).padStart(2, '0')).join('')}`, sk: 'FILE' }
}

const currentFile = () => expect.getState().testPath ?? 'outside any test'

/** Records that the running test file is about to sign up the user with this address. */
export async function recordOwner(email: string): Promise<void> {
  const { db, table } = testAws()
  await db.put(table, { ...(await ownerKey(email)), file: currentFile() })
}

/** The users, among these, whose sign-up another test file recorded. */
async function foreign(userIds: string[]): Promise<Set<string>> {
  const { db, table } = testAws()
  const profiles = await db.batchGet<{ pk: string; email?: string }>(table, userIds.map(profileKey), { consistent: true })
  const emails = profiles.flatMap((profile) => (profile.email ? [{ id: profile.pk.slice('USER#'.length), email: profile.email }] : []))
  const keys = await Promise.all(emails.map(async ({ id, email }) => ({ id, key: await ownerKey(email) })))
  const owners = await db.batchGet<{ pk: string; file: string }>(table, keys.map((k) => k.key), { consistent: true })
  const file = currentFile()
  const others = new Set(owners.filter((owner) => owner.file !== file).map((owner) => owner.pk))
  return new Set(keys.filter((k) => others.has(k.key.pk)).map((k) => k.id))
}

const userOf = (message: QueueMessage): string | undefined => {
  try {
    return parseEventMessage(message.body).user_id
  } catch {
    return undefined
  }
}

/** The queue as the drain sees it, without the events of other files' users (deleted from this private queue). */
export function ownEventsOnly(queue: EventQueue): EventQueue {
  return {
    async receive(opts) {
      // A batch of only other files' events is no sign the queue is empty: receive again (bounded).
      for (let attempt = 0; ; attempt++) {
        const messages = await queue.receive(opts)
        const users = [...new Set(messages.flatMap((m) => userOf(m) ?? []))]
        const others = users.length > 0 ? await foreign(users) : new Set<string>()
        const theirs = messages.filter((m) => others.has(userOf(m) ?? ''))
        if (theirs.length > 0) await queue.deleteBatch(theirs.map((m) => m.receiptHandle))
        const own = messages.filter((m) => !theirs.includes(m))
        if (own.length > 0 || theirs.length === 0 || attempt >= 20) return own
      }
    },
    deleteBatch: (handles) => queue.deleteBatch(handles),
  }
}
