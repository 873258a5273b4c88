import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config'
import { cfCountry } from '../../src/main/cf-country'
import { nodeRuntime } from '../../src/main/node/platform'
import { acceptLanguageRegion, resolveRegion } from '../../src/where-to-watch/region'

/** Where to watch's region: the contract's order, and what each runtime may say about the viewer's country. */
describe('the viewer region', () => {
  it('follows ?region=, the profile, the cookie, the platform, Accept-Language, then US; malformed values are skipped', () => {
    const all = { query: 'gb', profile: 'JP', cookie: 'FR', country: 'DE', acceptLanguage: 'es-MX' }
    expect(resolveRegion(all)).toEqual({ region: 'GB', source: 'query' })
    expect(resolveRegion({ ...all, query: undefined })).toEqual({ region: 'JP', source: 'profile' })
    expect(resolveRegion({ ...all, query: undefined, profile: null })).toEqual({ region: 'FR', source: 'cookie' })
    expect(resolveRegion({ cookie: 'france', country: 'DE' })).toEqual({ region: 'DE', source: 'platform' })
    // Cloudflare's XX (unknown) and T1 (Tor) are no country.
    expect(resolveRegion({ country: 'T1', acceptLanguage: 'es-MX' })).toEqual({ region: 'MX', source: 'accept-language' })
    expect(resolveRegion({ country: 'XX' })).toEqual({ region: 'US', source: 'default' })
  })

  it("reads Accept-Language's first tag that names a region (es-419 names none)", () => {
    expect(acceptLanguageRegion('es-419, fr-CA;q=0.8')).toBe('CA')
    expect(acceptLanguageRegion('zh-Hant-TW')).toBe('TW')
    expect(acceptLanguageRegion('en, de')).toBeUndefined()
    expect(acceptLanguageRegion(undefined)).toBeUndefined()
  })

  it('takes cf.country on Workers only from a request Cloudflare stamped (no CF-Ray under wrangler dev)', () => {
    const withCf = (headers: Record<string, string>) => Object.assign(new Request('https://x.test/', { headers }), { cf: { country: 'DE' } })
    expect(cfCountry(withCf({ 'CF-Ray': '8a1b2c3d4e5f6789-FRA' }))).toBe('DE')
    expect(cfCountry(withCf({}))).toBeUndefined()
  })

  it('takes the country on Node only from the header TRUSTED_COUNTRY_HEADER names', () => {
    const request = new Request('https://x.test/', { headers: { 'CloudFront-Viewer-Country': 'NL', 'CF-IPCountry': 'FR' } })
    const trusted = { TRUSTED_COUNTRY_HEADER: 'CloudFront-Viewer-Country', PAGE_CACHE: 'off' }
    expect(nodeRuntime(trusted, parseConfig(trusted)).platform.country?.(request)).toBe('NL')
    expect(nodeRuntime({ PAGE_CACHE: 'off' }, parseConfig({})).platform.country?.(request)).toBeUndefined()
    expect(() => parseConfig({ TRUSTED_COUNTRY_HEADER: 'Bad Header:' })).toThrow(/TRUSTED_COUNTRY_HEADER/)
  })
})
