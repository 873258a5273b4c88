import type { DeliveryChannel } from '../../src/notifications/channels'

/** What reached the recording channel: whose notification, and what it said. */
export interface Recorded {
  userId: string
  notificationId: string
  type: string
  title: string
}

/**
 * A delivery channel for tests only: it keeps what reaches it in memory (a real outside channel is a module like
 * src/push/channel.ts; never a user-supplied webhook URL, which would be SSRF). Like every channel it claims its
 * marker first, marks it done once delivered, and gives it back when delivery failed, so a redelivered event never records twice.
 */
export function recordingChannel(name = 'recording'): { channel: DeliveryChannel; deliveries: Recorded[] } {
  const deliveries: Recorded[] = []
  const channel: DeliveryChannel = {
    name,
    timing: 'after-commit',
    wants: () => true,
    async deliver(user, notification, markers) {
      if (!(await markers.once.claim())) return { duplicate: true, delivered: 0 }
      try {
        const { title } = await notification.rendered()
        deliveries.push({ userId: user.id, notificationId: notification.id, type: notification.type, title })
        await markers.once.done()
        return { duplicate: false, delivered: 1 }
      } catch (error) {
        await markers.once.release().catch(() => undefined)
        throw error
      }
    },
  }
  return { channel, deliveries }
}
