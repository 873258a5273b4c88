import { cors } from 'hono/cors'

/**
 * The API's CORS policy: any origin may call with a bearer token, never with
 * credentials (no Access-Control-Allow-Credentials), so cookies are not usable cross-origin.
 */
export const apiCors = () =>
  cors({
    origin: '*',
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    // X-Offline-At / X-Offline-Conflict: a client replaying a rating made offline (src/reviews/offline-at.ts).
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'X-Offline-At'],
    exposeHeaders: ['X-Request-Id', 'Retry-After', 'X-Offline-Conflict'],
    maxAge: 600,
    credentials: false,
  })
