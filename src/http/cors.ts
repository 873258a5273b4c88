import { cors } from 'hono/cors'

/**
 * The API's CORS policy: any origin may call with a bearer token, never with
 * credentials (no Access-Control-Allow-Credentials), so cookies are not usable cross-origin.
 */
export const apiCors = () =>
  cors({
    origin: '*',
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 600,
    credentials: false,
  })
