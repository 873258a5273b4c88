import type { Config, Env } from './config'

/**
 * The services routes call. Built once per request from the config and
 * bindings, so tests can swap any of them by passing a different factory to createApp.
 */
export interface Services {
  /** Runs work after the response is sent (ExecutionContext.waitUntil), or inline when there is none. */
  defer(work: Promise<unknown>): void
}

export interface ServiceContext {
  config: Config
  env: Env
  executionCtx?: ExecutionContext
}

export type ServicesFactory = (ctx: ServiceContext) => Services

export const createServices: ServicesFactory = ({ executionCtx }) => {
  const defer = (work: Promise<unknown>) => {
    const guarded = work.catch((error: unknown) => console.error('deferred work failed', error))
    if (executionCtx) executionCtx.waitUntil(guarded)
  }
  return { defer }
}
