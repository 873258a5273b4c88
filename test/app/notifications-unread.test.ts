import { SELF } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import { events } from '../../src/events/schema'
import { unreadFrom, unreadSummaryKey, type UnreadSummaryItem } from '../../src/notifications/unread'
import { api, ORIGIN, signUp, type TestUser } from '../support/harness/accounts'
import { aws, drain, envelope, notificationsOf, privateQueue, store } from '../support/harness/notifications'

/** What the header's bell on a full page says (its accessible name carries the count). */
async function bellOnHome(user: TestUser): Promise<string> {
  const html = await (await SELF.fetch(`${ORIGIN}/`, { headers: { Accept: 'text/html', Cookie: `session=${user.token}` } })).text()
  return /id="notification-bell"[^>]*aria-label="([^"]*)"/.exec(html)?.[1] ?? 'no bell'
}

/** The count the unread summary alone gives (what signed-in pages read in their one batch), or undefined if it cannot. */
async function summarized(user: TestUser): Promise<number | undefined> {
  const item = await aws.db.get<UnreadSummaryItem>(aws.table, unreadSummaryKey(user.user.id), { consistent: true })
  return unreadFrom(item, Math.floor(Date.now() / 1000))
}

describe('unread count kept with the notifications (the bell without a Query)', { timeout: 30_000 }, () => {
  it('should keep the bell right through new notifications, reading one, reading it again and reading all', async () => {
    const user = await signUp()
    // Counted once (a first page load does this after its response).
    expect(await store.recount(user.user.id)).toBe(0)
    expect(await summarized(user)).toBe(0)
    expect(await bellOnHome(user)).toBe('Notifications')

    // Two events of one user in one batch: handled side by side, both land in the summary.
    const queue = await privateQueue()
    await aws.sqs.send(queue.url, envelope(events.passwordChanged(user.user.id)).body)
    await aws.sqs.send(queue.url, envelope(events.emailChanged(user.user.id)).body)
    expect((await drain(queue.url)).processed).toBe(2)
    expect(await summarized(user)).toBe(2)
    expect(await bellOnHome(user)).toBe('Notifications, 2 unread')

    const [newest] = (await notificationsOf(user.token)).results
    for (let i = 0; i < 2; i++) {
      expect((await api(`/me/notifications/${newest!.id}/read`, { method: 'POST', token: user.token })).status).toBe(204)
      expect(await summarized(user)).toBe(1)
    }
    expect(await bellOnHome(user)).toBe('Notifications, 1 unread')

    expect((await api('/me/notifications/read-all', { method: 'POST', token: user.token })).status).toBe(204)
    expect(await summarized(user)).toBe(0)
    expect(await bellOnHome(user)).toBe('Notifications')
    expect((await notificationsOf(user.token)).unread).toBe(0)
  })
})
