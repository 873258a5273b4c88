import { createWorker, env, platformFor } from '@test/runtime'
import type { Env } from '../../../src/config'
import { directOutbox } from '../../../src/events/outbox'
import { newEvent, type EventInput } from '../../../src/events/schema'
import { ReviewService } from '../../../src/reviews'
import { createServices, type ServiceContext, type Services } from '../../../src/services'
import { cursorCodec } from '../../../src/shared/cursor'
import { WatchlistService } from '../../../src/watchlist'
import { testAws } from './aws'
import { ownEventsOnly } from './owners'

/**
 * The app's own services, built by the composition root against the suite's local servers, for tests
 * that seed data or check what the HTTP API does not show. `overrides` replace config values.
 */
export function testServices(
  overrides: Record<string, unknown> = {},
  ctx?: Pick<ExecutionContext, 'waitUntil'>,
  adapters?: ServiceContext['adapters'],
): Services {
  const vars = { ...env, ...overrides } as Env
  const config = { ...testAws().config, ...overrides }
  const services = createServices({ config, platform: platformFor(vars, ctx), adapters })
  const queue = services.events.queue
  if (!queue || !subscribedQueues.has(config.SQS_QUEUE_URL ?? '')) return services
  // A private queue on the events topic: only this file's users' events are handled (owners.ts says why).
  return Object.create(services, { events: { value: { ...services.events, queue: ownEventsOnly(queue) } } }) as Services
}

/** The private queues subscribed to the events topic (test/support/harness/notifications.ts's privateQueue). */
export const subscribedQueues = new Set<string>()

/**
 * The watchlist and reviews services over the suite's table, with a catalog in which every id is a
 * film (with the given genres) and events that go nowhere: for seeding data about made-up films.
 */
export function seedingServices(genresById: Record<number, number[]> = {}) {
  const { db, table } = testAws()
  const film = (id: number) =>
    ({ id, title: `Film ${id}`, overview: '', release_date: null, poster_url: null, backdrop_url: null, vote_average: 0, vote_count: 0, genre_ids: genresById[id] ?? [] }) as never
  const catalog = { details: async (id: number) => film(id), many: async (ids: number[]) => ids.map(film) }
  const publish = (input: EventInput) => newEvent(input)
  return {
    watchlist: new WatchlistService({ db, table, catalog, outbox: directOutbox(publish), defer: () => {}, cursors: cursorCodec('seeding services: a test-only cursor secret') }),
    reviews: new ReviewService({ db, table, catalog, outbox: directOutbox(publish), cursors: cursorCodec('seeding services: a test-only cursor secret') }),
  }
}

/** The app with a catalog that fails unexpectedly (every call rejects): what a 500 page looks like. */
export const brokenCatalogApp = () =>
  createWorker({
    services: (ctx) => {
      const real = createServices(ctx)
      const catalog = new Proxy(real.catalog, { get: () => () => Promise.reject(new Error('catalog exploded')) })
      return new Proxy(real, { get: (target, name) => (name === 'catalog' ? catalog : Reflect.get(target, name)) }) as Services
    },
  })
