import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../context'

const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/

/** Gives every request an id (a caller's well-formed X-Request-Id, else a UUID) echoed in the response and in logs. */
export const requestId = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const incoming = c.req.header('X-Request-Id')
  const id = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID()
  c.set('requestId', id)
  c.header('X-Request-Id', id)
  await next()
  c.res.headers.set('X-Request-Id', id)
}
