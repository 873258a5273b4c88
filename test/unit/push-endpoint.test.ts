import { describe, expect, it } from 'vitest'
import { parseAllowedHosts, pushEndpointAllowed } from '../../src/push/endpoint'

/** Which Web Push endpoints the server POSTs to (src/push/endpoint.ts; the third audit's M5, CONTRACT.md PUSH_ALLOWED_HOSTS). */
describe('Web Push endpoints', () => {
  it('reads PUSH_ALLOWED_HOSTS: names and IP addresses, each with an optional port, and refuses anything else', () => {
    expect(parseAllowedHosts(undefined)).toEqual([])
    expect(parseAllowedHosts(' push.example.com , 10.0.0.5:8443, [fd00::1]:9000, push.example.org:443')).toEqual([
      { host: 'push.example.com' },
      { host: '10.0.0.5', port: 8443 },
      { host: '[fd00::1]', port: 9000 },
      { host: 'push.example.org', port: 443 },
    ])
    for (const bad of ['https://push.example.com', 'push.example.com/path', 'user@push.example.com', 'push.example.com:99999']) expect(parseAllowedHosts(bad), bad).toBeNull()
  })

  it('allows the browsers\' push services over https on 443 only, and nothing else unless listed', () => {
    const none: never[] = []
    for (const endpoint of ['https://fcm.googleapis.com/fcm/send/x', 'https://updates.push.services.mozilla.com/wpush/v2/x', 'https://web.push.apple.com/x', 'https://db5p.notify.windows.com/w/?token=x']) {
      expect(pushEndpointAllowed(endpoint, none, false), endpoint).toBe(true)
    }
    for (const endpoint of ['https://fcm.googleapis.com:444/x', 'http://fcm.googleapis.com/x', 'https://evilfcm.googleapis.com.example/x', 'https://127.0.0.1/x', 'https://[::1]/x', 'https://169.254.169.254/x', 'https://intranet/x', 'https://u:p@fcm.googleapis.com/x', 'not a url']) {
      expect(pushEndpointAllowed(endpoint, none, true), endpoint).toBe(false)
    }
  })

  it('allows a listed host on any port, or only the listed port, and over http only in development', () => {
    const listed = parseAllowedHosts('push.internal.example, 10.0.0.5:8443')!
    expect(pushEndpointAllowed('https://push.internal.example:9999/x', listed, false)).toBe(true)
    expect(pushEndpointAllowed('http://push.internal.example/x', listed, false)).toBe(false)
    expect(pushEndpointAllowed('http://push.internal.example/x', listed, true)).toBe(true)
    expect(pushEndpointAllowed('https://10.0.0.5:8443/x', listed, false)).toBe(true)
    expect(pushEndpointAllowed('https://10.0.0.5/x', listed, false)).toBe(false)
    expect(pushEndpointAllowed('https://10.0.0.6:8443/x', listed, false)).toBe(false)
  })
})
