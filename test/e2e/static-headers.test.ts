import { describe, expect, inject, it } from 'vitest'
import { ASSETS } from '../../views/assets'

const baseUrl = inject('baseUrl')

/** F9: static assets (served by the assets layer, not the worker) carry the security headers of public/_headers under `wrangler dev`. */
describe('static asset security headers (F9)', () => {
  it('should serve nosniff, HSTS, CORP and a CSP on every static asset', async () => {
    for (const path of ['/favicon.svg', ASSETS.htmx, '/assets/app.css', '/assets/app.js']) {
      const res = await fetch(`${baseUrl}${path.split('?')[0]}`)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('X-Content-Type-Options'), path).toBe('nosniff')
      expect(res.headers.get('Strict-Transport-Security'), path).toBe('max-age=63072000; includeSubDomains')
      expect(res.headers.get('Cross-Origin-Resource-Policy'), path).toBe('same-origin')
      expect(res.headers.get('Content-Security-Policy'), path).toContain("default-src 'none'")
      expect(res.headers.get('Content-Security-Policy'), path).toContain("frame-ancestors 'none'")
      await res.arrayBuffer()
    }
  })

  it('should keep the year-long cache on fingerprinted assets alongside the security headers', async () => {
    const res = await fetch(`${baseUrl}${ASSETS.htmx}`)
    expect(res.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
    await res.arrayBuffer()
  })
})
