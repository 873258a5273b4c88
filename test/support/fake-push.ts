import { createDecipheriv, createECDH, hkdfSync, randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose'

/**
 * A local push service for the app tests (browsers' push services are out of reach here). It holds
 * the browser side of each subscription (a P-256 key pair and a 16-byte auth secret made in Node),
 * and for every message it receives it checks the VAPID header (RFC 8292: an ES256 JWT verified
 * against the `k=` key, `aud` = this service's origin, `exp` within 24 hours, `sub` present) and
 * DECRYPTS the body (RFC 8291 `aes128gcm`) with node:crypto — on its own, not with the worker's code.
 *
 * API (tests call it over HTTP from inside workerd):
 *   POST /subscriptions → {endpoint, keys:{p256dh, auth}}: a browser's PushSubscription JSON
 *   POST /push/<id> → what the worker sends; 201 when it decrypts and verifies, 400 when not
 *   POST /control/<id> {"answers":[410|404|429|500…]} → the next requests to <id> get these statuses (unread)
 *   GET  /control/<id> → {messages:[{payload, ttl, urgency, encoding, jwt}], attempts, errors}
 */

interface Received {
  payload: unknown
  ttl: string | undefined
  urgency: string | undefined
  encoding: string | undefined
  jwt: { aud: unknown; exp: unknown; sub: unknown }
}

interface Subscription {
  ecdh: ReturnType<typeof createECDH>
  publicKey: Buffer
  auth: Buffer
  answers: number[]
  messages: Received[]
  attempts: number
  errors: string[]
}

export interface FakePush {
  url: string
  stop(): Promise<void>
}

const b64url = (buffer: Buffer) => buffer.toString('base64url')

/** RFC 8291 §3.4 + RFC 8188 §2: one aes128gcm record, decrypted with the subscription's private key. */
export function decryptAes128gcm(body: Buffer, sub: Pick<Subscription, 'ecdh' | 'publicKey' | 'auth'>): Buffer {
  const salt = body.subarray(0, 16)
  const recordSize = body.readUInt32BE(16)
  const idLength = body[20]!
  const asPublic = body.subarray(21, 21 + idLength)
  const record = body.subarray(21 + idLength)
  if (idLength !== 65) throw new Error(`keyid must be the 65-byte sender key, got ${idLength}`)
  if (record.length > recordSize) throw new Error('record larger than the record size')
  const secret = sub.ecdh.computeSecret(asPublic)
  const info = Buffer.concat([Buffer.from('WebPush: info\0'), sub.publicKey, asPublic])
  const ikm = Buffer.from(hkdfSync('sha256', secret, sub.auth, info, 32))
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16))
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12))
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce)
  decipher.setAuthTag(record.subarray(record.length - 16))
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()])
  // Strip padding: the last non-zero byte is the delimiter, 2 for the last record.
  let end = padded.length - 1
  while (end >= 0 && padded[end] === 0) end--
  if (padded[end] !== 2) throw new Error('the last record must end with delimiter 2')
  return padded.subarray(0, end)
}

/** RFC 8292 §2–3: `vapid t=<jwt>, k=<key>`; the JWT's signature, audience, expiry and subject. */
async function verifyVapid(header: string | undefined, origin: string): Promise<Received['jwt']> {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '')
  if (!match) throw new Error(`Authorization is not a vapid header: ${header ?? '(none)'}`)
  const [, token, key] = match as unknown as [string, string, string]
  const point = Buffer.from(key, 'base64url')
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 key')
  if (decodeProtectedHeader(token).alg !== 'ES256') throw new Error('the JWT is not ES256')
  const publicKey = await importJWK({ kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) }, 'ES256')
  const { payload } = await jwtVerify(token, publicKey, { audience: origin, requiredClaims: ['exp', 'sub'] })
  const now = Math.floor(Date.now() / 1000)
  if (typeof payload.exp !== 'number' || payload.exp > now + 24 * 3600) throw new Error('exp is more than 24 hours ahead')
  if (typeof payload.sub !== 'string' || !/^(mailto:|https:)/.test(payload.sub)) throw new Error('sub is not a mailto: or https: contact')
  return { aud: payload.aud, exp: payload.exp, sub: payload.sub }
}

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify(body))
}

export async function startFakePush(): Promise<FakePush> {
  const subscriptions = new Map<string, Subscription>()
  let origin = ''
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => json(res, 500, { error: String(error) }))
  })
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', origin).pathname
    const body = await readBody(req)
    if (req.method === 'POST' && path === '/subscriptions') {
      const ecdh = createECDH('prime256v1')
      ecdh.generateKeys()
      const id = randomUUID()
      const sub: Subscription = { ecdh, publicKey: ecdh.getPublicKey(), auth: randomBytes(16), answers: [], messages: [], attempts: 0, errors: [] }
      subscriptions.set(id, sub)
      return json(res, 201, { endpoint: `${origin}/push/${id}`, keys: { p256dh: b64url(sub.publicKey), auth: b64url(sub.auth) } })
    }
    const [, kind, id] = path.split('/')
    const sub = subscriptions.get(id ?? '')
    if (!sub) return json(res, 404, { error: 'no such subscription' })
    if (kind === 'control' && req.method === 'POST') {
      sub.answers.push(...((JSON.parse(body.toString()) as { answers: number[] }).answers ?? []))
      return json(res, 204, {})
    }
    if (kind === 'control') return json(res, 200, { messages: sub.messages, attempts: sub.attempts, errors: sub.errors })
    if (kind !== 'push' || req.method !== 'POST') return json(res, 404, { error: 'unknown path' })
    sub.attempts++
    const scripted = sub.answers.shift()
    if (scripted !== undefined) return json(res, scripted, { error: 'scripted answer' })
    try {
      const jwt = await verifyVapid(req.headers.authorization, origin)
      if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error(`Content-Encoding ${req.headers['content-encoding']}`)
      if (!req.headers.ttl) throw new Error('no TTL header')
      const payload: unknown = JSON.parse(decryptAes128gcm(body, sub).toString('utf8'))
      sub.messages.push({ payload, ttl: req.headers.ttl as string, urgency: req.headers.urgency as string | undefined, encoding: req.headers['content-encoding'], jwt })
      res.writeHead(201, { Location: `${origin}/messages/${randomUUID()}` })
      return res.end()
    } catch (error) {
      sub.errors.push(error instanceof Error ? error.message : String(error))
      return json(res, 400, { error: 'rejected' })
    }
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: origin,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
