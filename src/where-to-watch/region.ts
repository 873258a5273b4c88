import { parseAcceptLanguage } from '../i18n/negotiate'

/**
 * The viewer's region for "where to watch" (the contract's order): `?region=`, else the profile's region, else the
 * `region` cookie, else the platform's country (src/platform.ts `country`), else Accept-Language's region, else US.
 * Pure: the route hands in what the request carries; the answer says where it came from, because an answer chosen
 * by the profile or the cookie is private to its viewer (and varies on Cookie).
 */

export const REGION_COOKIE = 'region'
/** The contract's `region` cookie lasts a year, like `lang`. */
export const REGION_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
export const DEFAULT_REGION = 'US'

/** ISO 3166-1 alpha-2, upper case (TMDB's `iso_3166_1`). */
export const REGION_PATTERN = /^[A-Z]{2}$/

export type RegionSource = 'query' | 'profile' | 'cookie' | 'platform' | 'accept-language' | 'default'

export interface RegionInput {
  query?: string | undefined
  profile?: string | null | undefined
  cookie?: string | undefined
  /** The platform's country, when it can tell (Cloudflare's edge, or a trusted proxy's header on Node). */
  country?: string | undefined
  acceptLanguage?: string | undefined
}

/** A well-formed region code in upper case, or undefined (a cookie or header may hold anything). */
export function normalRegion(value: string | null | undefined): string | undefined {
  const upper = value?.trim().toUpperCase()
  // XX (unknown) and T1 (Tor) are Cloudflare's codes for "no country".
  return upper && REGION_PATTERN.test(upper) && upper !== 'XX' && upper !== 'T1' ? upper : undefined
}

/** The region of the first Accept-Language tag that names one ("fr-CA" → CA; "es-419" names none). */
export function acceptLanguageRegion(header: string | undefined): string | undefined {
  for (const tag of parseAcceptLanguage(header)) {
    const region = tag.split('-').slice(1).find((part) => /^[A-Za-z]{2}$/.test(part))
    if (region) return region.toUpperCase()
  }
  return undefined
}

export function resolveRegion(input: RegionInput): { region: string; source: RegionSource } {
  const candidates: [RegionSource, string | undefined][] = [
    ['query', normalRegion(input.query)],
    ['profile', normalRegion(input.profile)],
    ['cookie', normalRegion(input.cookie)],
    ['platform', normalRegion(input.country)],
    ['accept-language', acceptLanguageRegion(input.acceptLanguage)],
  ]
  for (const [source, region] of candidates) if (region) return { region, source }
  return { region: DEFAULT_REGION, source: 'default' }
}
