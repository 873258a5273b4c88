import { createPublicKey, createPrivateKey, sign, verify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CONFIG_VARIABLES } from '../../src/config'
import { generatedDefaults, parseDevVars, shellOverrides, toWranglerVars, updateDevVars, WORKER_VARS } from '../../scripts/lib/dev-vars'

describe('.dev.vars generation', () => {
  it('should write a fresh file with a 32-byte hex JWT_SECRET, dummy credentials and the server lines', () => {
    const text = updateDevVars('', { DYNAMODB_ENDPOINT: 'http://127.0.0.1:1234' }, generatedDefaults())
    const vars = parseDevVars(text)
    expect(vars.JWT_SECRET).toMatch(/^[0-9a-f]{64}$/)
    expect(vars).toMatchObject({ AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', DYNAMODB_ENDPOINT: 'http://127.0.0.1:1234' })
    expect(parseDevVars(updateDevVars('', {}, generatedDefaults())).JWT_SECRET).not.toBe(vars.JWT_SECRET)
  })

  it('should refresh server lines on the next start but keep the secret, comments and whatever the user added', () => {
    const first = updateDevVars('', { DYNAMODB_ENDPOINT: 'http://127.0.0.1:1111' }, generatedDefaults())
    const edited = `${first}# my TMDB key\nTMDB_API_KEY="abc 123"\n`
    const second = updateDevVars(edited, { DYNAMODB_ENDPOINT: 'http://127.0.0.1:2222' }, generatedDefaults())
    const before = parseDevVars(edited)
    const after = parseDevVars(second)
    expect(after.JWT_SECRET).toBe(before.JWT_SECRET)
    expect(after.DYNAMODB_ENDPOINT).toBe('http://127.0.0.1:2222')
    expect(after.TMDB_API_KEY).toBe('abc 123')
    expect(second).toContain('# my TMDB key')
    expect(second.match(/DYNAMODB_ENDPOINT=/g)).toHaveLength(1)
  })

  it('should generate a 32-byte PASSWORD_PEPPER, and add one to an older .dev.vars without touching its JWT_SECRET (F7)', () => {
    const vars = parseDevVars(updateDevVars('', {}, generatedDefaults()))
    expect(vars.PASSWORD_PEPPER).toMatch(/^[0-9a-f]{64}$/)
    expect(vars.PASSWORD_PEPPER).not.toBe(vars.JWT_SECRET)
    const older = 'ENVIRONMENT=development\nJWT_SECRET=keepme\n'
    const after = parseDevVars(updateDevVars(older, {}, generatedDefaults()))
    expect(after.JWT_SECRET).toBe('keepme')
    expect(after.PASSWORD_PEPPER).toMatch(/^[0-9a-f]{64}$/)
  })

  it('should generate a 32-byte MEDIA_WRITE_SECRET of its own, and add one to an older .dev.vars without touching the rest', () => {
    const vars = parseDevVars(updateDevVars('', {}, generatedDefaults()))
    expect(vars.MEDIA_WRITE_SECRET).toMatch(/^[0-9a-f]{64}$/)
    expect(new Set([vars.MEDIA_WRITE_SECRET, vars.JWT_SECRET, vars.PASSWORD_PEPPER]).size).toBe(3)
    const older = 'ENVIRONMENT=development\nJWT_SECRET=keepme\nPASSWORD_PEPPER=pepper\n'
    const first = updateDevVars(older, {}, generatedDefaults())
    const after = parseDevVars(first)
    expect(after).toMatchObject({ JWT_SECRET: 'keepme', PASSWORD_PEPPER: 'pepper' })
    expect(after.MEDIA_WRITE_SECRET).toMatch(/^[0-9a-f]{64}$/)
    expect(parseDevVars(updateDevVars(first, {}, generatedDefaults())).MEDIA_WRITE_SECRET).toBe(after.MEDIA_WRITE_SECRET)
  })

  it('should generate a VAPID P-256 key pair whose halves belong together, and add it to an older .dev.vars', () => {
    const vars = parseDevVars(updateDevVars('ENVIRONMENT=development\nJWT_SECRET=keepme\n', {}, generatedDefaults()))
    expect(vars.VAPID_PUBLIC_KEY).toMatch(/^[A-Za-z0-9_-]{87}$/)
    expect(vars.VAPID_PRIVATE_KEY).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(vars.VAPID_SUBJECT).toMatch(/^mailto:/)
    const point = Buffer.from(vars.VAPID_PUBLIC_KEY!, 'base64url')
    const jwk = { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }
    const privateKey = createPrivateKey({ key: { ...jwk, d: vars.VAPID_PRIVATE_KEY }, format: 'jwk' })
    const signature = sign('sha256', Buffer.from('push'), privateKey)
    expect(verify('sha256', Buffer.from('push'), createPublicKey({ key: jwk, format: 'jwk' }), signature)).toBe(true)
    expect(parseDevVars(updateDevVars('', {}, generatedDefaults())).VAPID_PRIVATE_KEY).not.toBe(vars.VAPID_PRIVATE_KEY)
  })

  it('should let the shell override the contract variables and anything in .dev.vars, and nothing else', () => {
    const shell = { TMDB_API_KEY: 'from-shell', MY_FLAG: 'on', HOME: '/root', PATH: '/bin' }
    expect(shellOverrides(shell, { MY_FLAG: 'off' })).toEqual({ TMDB_API_KEY: 'from-shell', MY_FLAG: 'on' })
  })

  it('should take every configuration variable from the shell but the credentials a runtime finds itself', () => {
    // `PLAYBACK=public npm start` once started a members-only app: PLAYBACK was missing from the list.
    const runtimeOnly = ['AWS_SESSION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN']
    expect(CONFIG_VARIABLES.filter((name) => !runtimeOnly.includes(name) && !(WORKER_VARS as readonly string[]).includes(name))).toEqual([])
    expect(shellOverrides({ PLAYBACK: 'public', PLAYBACK_TOKEN_TTL_SECONDS: '60' }, {})).toEqual({ PLAYBACK: 'public', PLAYBACK_TOKEN_TTL_SECONDS: '60' })
  })

  it('should hand wrangler every value intact, including $ and quotes', () => {
    const { envFile, cliVars } = toWranglerVars({ A: 'plain', B: 'x$HOME y', C: "it's", D: 'back\\slash' })
    expect(envFile).toBe("A='plain'\nB='x\\$HOME y'\n")
    expect(cliVars).toEqual(["C:it's", 'D:back\\slash'])
  })
})
