import { ConfigError, parseConfig } from '../../../src/config'

/**
 * The variables production refuses to start without, as the config schema itself reports them
 * (src/config.ts), so a new required variable shows up in the deployment tests by itself.
 */
export function requiredInProduction(runtime: Record<string, string> = {}): string[] {
  try {
    parseConfig({ ENVIRONMENT: 'production', ...runtime })
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    // `Invalid configuration: NAME why; NAME why…` (a reason may itself hold "; ").
    return [...error.message.matchAll(/(?:: |; )([A-Z][A-Z0-9_]+) /g)].map((match) => match[1]!)
  }
  throw new Error('a production config parsed with nothing set')
}

/**
 * The names a deployment provides, with TMDB_API_KEY also standing for TMDB_READ_TOKEN (the schema takes either);
 * `runtime`: variables the platform sets by itself (ECS's AWS_CONTAINER_CREDENTIALS_RELATIVE_URI).
 */
export function missingInProduction(provided: Iterable<string>, runtime: Record<string, string> = {}): string[] {
  const names = new Set(provided)
  if (names.has('TMDB_API_KEY')) names.add('TMDB_READ_TOKEN')
  return requiredInProduction(runtime).filter((name) => !names.has(name))
}
