import { describe, expect, it } from 'vitest'
import { eventMarkers } from '../../src/events/markers'
import { newEvent } from '../../src/events/schema'
import { testAws, uniqueId } from '../support/harness/aws'
import { seedingServices, testServices } from '../support/harness/services'

/** Made-up film ids no other test lists, so the shared counters of these films are this test's alone. */
const filmIds = () => {
  const base = 700_000_000 + Math.floor(Math.random() * 100_000_000)
  return [base, base + 1, base + 2]
}

describe('item–item neighbours from co-occurring likes', { timeout: 60_000 }, () => {
  it('counts likes once per user through the event handler (a redelivery changes nothing), and names co-liked films as neighbours', async () => {
    const services = testServices()
    const { db, table } = testAws()
    // Lists written directly (no events, no picks computed): the handler is called by hand below.
    const { watchlist } = seedingServices()
    const [xId, yId, zId] = filmIds()
    const [x, y, z] = [{ id: xId! }, { id: yId! }, { id: zId! }]
    const a = { user: { id: uniqueId('recs-a') } }
    const b = { user: { id: uniqueId('recs-b') } }
    for (const film of [x, y]) await watchlist.add(a.user, film.id)
    for (const film of [x, y, z]) await watchlist.add(b.user, film.id)

    const handler = services.collaborative.handler()
    const once = eventMarkers(db, table)
    const eventA = newEvent({ type: 'watchlist.added', user_id: a.user.id, payload: { movie_id: y.id } })
    const eventB = newEvent({ type: 'watchlist.added', user_id: b.user.id, payload: { movie_id: z.id } })
    expect(await handler.handle(eventA, once(eventA, handler.name))).toEqual({ duplicate: false, delivered: 0 })
    expect(await handler.handle(eventB, once(eventB, handler.name))).toEqual({ duplicate: false, delivered: 0 })
    // At-least-once delivery: the same message again is a duplicate, and a reconcile finds nothing left to count.
    expect(await handler.handle(eventA, once(eventA, handler.name))).toEqual({ duplicate: true, delivered: 0 })
    expect(await services.collaborative.reconcile(a.user.id)).toEqual([])

    const neighbours = (await services.collaborative.neighboursOf([x.id])).get(x.id) ?? []
    const ids = neighbours.map((n) => n.id)
    expect(ids).toContain(y.id)
    expect(ids).toContain(z.id)
    // Liked together by two users beats liked together by one.
    expect(ids.indexOf(y.id)).toBeLessThan(ids.indexOf(z.id))

    // An unlike takes the pair away again; the daily refresh rebuilds every film touched today.
    await watchlist.remove(b.user.id, z.id)
    const unlike = newEvent({ type: 'watchlist.removed', user_id: b.user.id, payload: { movie_id: z.id } })
    await handler.handle(unlike, once(unlike, handler.name))
    expect(await services.collaborative.refreshTouched()).toBeGreaterThanOrEqual(3)
    const after = (await services.collaborative.neighboursOf([x.id])).get(x.id) ?? []
    expect(after.map((n) => n.id)).toContain(y.id)
    expect(after.map((n) => n.id)).not.toContain(z.id)
  })
})
