import { createExecutionContext, createWorker, env, waitOnExecutionContext } from '@test/runtime'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Env } from '../../src/config'
import { DomainEventSchema, parseEventMessage } from '../../src/events/schema'
import { createServices, type ServicesFactory } from '../../src/services'
import { clientIp, uniqueEmail } from '../support/harness/accounts'
import { aws, privateQueue } from '../support/harness/notifications'

const signupRequest = () =>
  new Request('https://example.com/api/v1/auth/signup', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': clientIp() },
    body: JSON.stringify({ email: uniqueEmail('events'), password: 'correct horse battery' }),
  })

/** Other test files publish raw text to the same topic: keep only what parses as an event. */
const eventsIn = (message: { body: string }) => {
  try {
    return [parseEventMessage(message.body)]
  } catch {
    return []
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('domain events', { timeout: 60_000 }, () => {
  it('should publish a versioned sign-up event to the topic after the response', async () => {
    const queue = await privateQueue({ subscribed: true })
    const ctx = createExecutionContext()
    const res = await createWorker().fetch(signupRequest(), env as unknown as Env, ctx)
    expect(res.status).toBe(201)
    const { user } = (await res.json()) as { user: { id: string } }
    await waitOnExecutionContext(ctx)

    const events = []
    for (let i = 0; i < 10 && events.length === 0; i++) {
      const messages = await aws.sqs.receive(queue.url, { maxMessages: 10, waitSeconds: 1 })
      events.push(...messages.flatMap(eventsIn).filter((e) => e.user_id === user.id))
    }
    expect(events).toHaveLength(1)
    expect(DomainEventSchema.parse(events[0])).toMatchObject({ type: 'user.signed_up', version: 1, user_id: user.id, payload: {} })
    expect(Date.parse(events[0]!.occurred_at)).not.toBeNaN()
  })

  it('should answer the request while the publish is still pending, and never let its failure reach the user', async () => {
    let release: (error: Error) => void = () => {}
    const pending = new Promise<never>((_, reject) => (release = reject))
    const publish = vi.fn(() => pending)
    // SNS that hangs until the test lets it fail: the response must not be waiting on it.
    const services: ServicesFactory = (sctx) => createServices({ ...sctx, adapters: { topic: () => ({ publish }) } })
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const ctx = createExecutionContext()
    const res = await createWorker({ services }).fetch(signupRequest(), env as unknown as Env, ctx)
    expect(res.status).toBe(201)
    expect(publish).toHaveBeenCalledTimes(1)
    expect(warnings).not.toHaveBeenCalled()

    release(new Error('SNS is down'))
    await waitOnExecutionContext(ctx)
    // Not lost: it stays in the outbox for the cron (test/app/outbox.test.ts follows it to delivery).
    expect(warnings).toHaveBeenCalledWith(expect.stringMatching(/user\.signed_up .* left in the outbox/), expect.anything())
  })

  it('should still sign the user up when SNS is unreachable (bad endpoint)', async () => {
    const unreachable = { ...(env as unknown as Env), SNS_ENDPOINT: 'http://127.0.0.1:9' }
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const ctx = createExecutionContext()
    const res = await createWorker().fetch(signupRequest(), unreachable, ctx)
    expect(res.status).toBe(201)
    expect(((await res.json()) as { token: string }).token).toEqual(expect.any(String))
    await waitOnExecutionContext(ctx)
    expect(warnings).toHaveBeenCalledWith(expect.stringMatching(/left in the outbox/), 'AwsError')
  })

  it('should publish nothing, and log it once, when no topic is configured', async () => {
    const noTopic = { ...(env as unknown as Env), SNS_TOPIC_ARN: '' }
    const queue = await privateQueue({ subscribed: true })
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const ids: string[] = []
    for (let i = 0; i < 2; i++) {
      const ctx = createExecutionContext()
      const res = await createWorker().fetch(signupRequest(), noTopic, ctx)
      expect(res.status).toBe(201)
      ids.push(((await res.json()) as { user: { id: string } }).user.id)
      await waitOnExecutionContext(ctx)
    }
    const messages = await aws.sqs.receive(queue.url, { maxMessages: 10, waitSeconds: 1 })
    expect(messages.flatMap(eventsIn).filter((e) => ids.includes(e.user_id))).toEqual([])
    expect(warnings.mock.calls.filter(([message]) => String(message).includes('SNS_TOPIC_ARN is unset')).length).toBeLessThanOrEqual(1)
  })
})
