import { Hono } from 'hono'
import type { AppEnv } from '../context'
import { describe } from '../openapi/metadata'
import { HealthSchema } from '../schemas/common'
import { CACHE, cacheHeaders } from '../http/cache'

/** Liveness: answers without touching TMDB or AWS. */
export const systemRoutes = new Hono<AppEnv>().get(
  '/healthz',
  describe({ summary: 'Liveness check', tags: ['system'], responses: { 200: { description: 'The worker is up', schema: HealthSchema } } }),
  (c) => c.json({ status: 'ok' as const }, 200, cacheHeaders(c, CACHE.noStore)),
)
