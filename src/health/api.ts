import { Hono } from 'hono'
import type { AppEnv } from '../context'
import { describe } from '../openapi/metadata'
import { HealthSchema, LivenessSchema } from '../schemas/common'
import { CACHE, cacheHeaders } from '../http/cache'

/** Seconds a probe (or an orchestrator) should wait before asking again while the data store is down. */
const READINESS_RETRY_AFTER = '5'

/**
 * Liveness (`/livez`): the process serves requests, whatever its dependencies.
 * Readiness (`/healthz`): 200 only when the data store answers; else 503 with the failing check.
 */
export const healthApi = new Hono<AppEnv>()
  .get(
    '/livez',
    describe({ summary: 'Liveness check', tags: ['system'], responses: { 200: { description: 'The worker serves requests', schema: LivenessSchema } } }),
    (c) => c.json({ status: 'ok' as const }, 200, cacheHeaders(c, CACHE.noStore)),
  )
  .get(
    '/healthz',
    describe({
      summary: 'Readiness check',
      tags: ['system'],
      responses: {
        200: { description: 'The worker and its data store answer', schema: HealthSchema },
        503: { description: 'A dependency does not answer; retry after Retry-After seconds', schema: HealthSchema },
      },
    }),
    async (c) => {
      const { ready, checks } = await c.get('services').readiness()
      if (ready) return c.json({ status: 'ok' as const, checks }, 200, cacheHeaders(c, CACHE.noStore))
      return c.json({ status: 'unavailable' as const, checks }, 503, { ...cacheHeaders(c, CACHE.noStore), 'Retry-After': READINESS_RETRY_AFTER })
    },
  )
