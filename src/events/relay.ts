import type { DomainEvent } from './schema'
import { outboxKey, publishAndDelete, type OutboxItem, type OutboxOptions } from './outbox'

// Apart from the outbox itself: only a job relays (the weekly digest), and what the transcoder imports (the outbox)
// must not carry calls it never makes (its IAM grants follow its code: test/ops/cdktf-sources.test.ts).

/**
 * Events of a job rather than of a request (the weekly digest): all written to the outbox first, then, with
 * `publish`, sent and deleted one by one until SNS refuses one; whatever is left waits for the drain cron's flush.
 */
export async function relayEvents(
  options: Omit<OutboxOptions, 'defer'>,
  events: DomainEvent[],
  opts: { publish?: boolean } = {},
): Promise<{ staged: number; published: number }> {
  if (!options.topicArn || events.length === 0) return { staged: 0, published: 0 }
  const items: OutboxItem[] = events.map((event) => ({ ...outboxKey(event), event: JSON.stringify(event) }))
  await options.db.batchWrite(options.table, items.map((item) => ({ put: item })))
  let published = 0
  for (const event of opts.publish === false ? [] : events) {
    try {
      await publishAndDelete(options, event)
    } catch (error) {
      console.warn('outbox relay: publishing failed, the rest waits for the drain cron', error instanceof Error ? error.name : 'error')
      break
    }
    published++
  }
  return { staged: items.length, published }
}
