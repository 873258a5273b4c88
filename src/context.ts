import type { Config, Env } from './config'
import type { Services } from './services'

/** Hono's environment for this app: bindings plus what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env
  Variables: {
    requestId: string
    config: Config
    services: Services
  }
}
