import { createExecutionContext, createWorker, env, waitOnExecutionContext } from '@test/runtime'
import type { Env } from '../../../src/config'
import type { PushMessage } from '../../../src/push'
import { clientIp, ORIGIN, type CallOptions } from './accounts'
import { testServices } from './services'

const bindings = env

/** The suite's VAPID keys (test/support/global-worker.ts): push is on only where a test passes these. */
export const vapid = {
  publicKey: bindings.PUSH_TEST_VAPID_PUBLIC_KEY!,
  privateKey: bindings.PUSH_TEST_VAPID_PRIVATE_KEY!,
  subject: 'mailto:push-tests@flixpeek.test',
}
/** Where pushed links point (PUBLIC_URL). */
export const PUBLIC_URL = 'https://flixpeek.test'

/** The worker's bindings with push turned on. */
export const pushEnv = {
  ...bindings,
  VAPID_PUBLIC_KEY: vapid.publicKey,
  VAPID_PRIVATE_KEY: vapid.privateKey,
  VAPID_SUBJECT: vapid.subject,
  PUBLIC_URL,
} as unknown as Env

const app = createWorker()

/** A JSON API call to the app with push on; its work after the response is finished when this resolves. */
export async function pushApi(path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'CF-Connecting-IP': clientIp(), ...opts.headers }
  if (opts.body !== undefined) headers['Content-Type'] ??= 'application/json'
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`
  const ctx = createExecutionContext()
  const res = await app.fetch(
    new Request(`${ORIGIN}/api/v1${path}`, {
      method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
      headers,
      body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
    }),
    pushEnv,
    ctx,
  )
  await waitOnExecutionContext(ctx)
  return res
}

/** Services with push on (and a context whose deferred work `settle` waits for). */
export function pushServices(overrides: Record<string, unknown> = {}) {
  const ctx = createExecutionContext()
  const services = testServices({ vapid, publicUrl: PUBLIC_URL, ...overrides }, ctx)
  return { services, settle: () => waitOnExecutionContext(ctx) }
}

export interface FakeSubscription {
  endpoint: string
  keys: { p256dh: string; auth: string }
}

export interface Inbox {
  messages: { payload: PushMessage; ttl: string; urgency: string; encoding: string; jwt: { aud: string; exp: number; sub: string } }[]
  attempts: number
  /** Decryption or VAPID failures the fake push service saw (should stay empty). */
  errors: string[]
}

const fake = bindings.PUSH_FAKE_URL!
const controlUrl = (sub: FakeSubscription) => sub.endpoint.replace('/push/', '/control/')

/** A browser's subscription, made by the fake push service (it keeps the private key and auth secret to decrypt). */
export async function browserSubscription(): Promise<FakeSubscription> {
  return (await fetch(`${fake}/subscriptions`, { method: 'POST' })).json()
}

export async function inboxOf(sub: FakeSubscription): Promise<Inbox> {
  return (await fetch(controlUrl(sub))).json()
}

/** The next requests to this subscription get these statuses instead of being accepted. */
export async function answerNext(sub: FakeSubscription, ...answers: number[]): Promise<void> {
  await fetch(controlUrl(sub), { method: 'POST', body: JSON.stringify({ answers }) })
}
