/** One push message to one subscription: encrypt, sign, POST, and say what the answer means. */
import { fromBase64Url, utf8 } from './bytes'
import { encryptPayload, InvalidClientKey, type ClientKeys } from './encryption'
import type { VapidSigner } from './vapid'

export type SubscriptionTarget = {
  endpoint: string
  keys: { p256dh: string; auth: string }
}

export interface PushOptions {
  /** Seconds the push service keeps an undelivered message (the device may be offline). */
  ttl: number
  urgency: 'very-low' | 'low' | 'normal' | 'high'
  /** A message with the same topic replaces an undelivered one at the push service. */
  topic?: string
}

/**
 * sent: accepted (201/202…); gone: 404/410, the subscription expired or was withdrawn (drop it);
 * retry: 429, 5xx or no answer (the queue tries again later); rejected: any other answer (a bad
 * request will not get better by retrying; logged, the subscription kept). A subscription whose keys cannot encrypt
 * (stored before the curve check) is 'gone' with status 0 without a request: thrown, it would fail every event of its user.
 */
export type PushOutcome = 'sent' | 'gone' | 'retry' | 'rejected'

export function outcomeOf(status: number): PushOutcome {
  if (status >= 200 && status < 300) return 'sent'
  if (status === 404 || status === 410) return 'gone'
  if (status === 429 || status >= 500) return 'retry'
  return 'rejected'
}

function decodedKeys(keys: SubscriptionTarget['keys']): ClientKeys | null {
  try {
    return { p256dh: fromBase64Url(keys.p256dh), auth: fromBase64Url(keys.auth) }
  } catch {
    return null
  }
}

export async function sendPush(
  target: SubscriptionTarget,
  message: unknown,
  options: PushOptions,
  vapid: VapidSigner,
  fetcher: typeof fetch = fetch,
): Promise<{ outcome: PushOutcome; status: number }> {
  const client = decodedKeys(target.keys)
  let body: Uint8Array
  try {
    if (!client) throw new InvalidClientKey('push: the subscription\'s keys are not base64url')
    body = await encryptPayload(utf8(JSON.stringify(message)), client)
  } catch (error) {
    if (error instanceof InvalidClientKey) return { outcome: 'gone', status: 0 }
    throw error
  }
  const headers: Record<string, string> = {
    Authorization: await vapid.authorization(target.endpoint),
    'Content-Encoding': 'aes128gcm',
    'Content-Type': 'application/octet-stream',
    TTL: String(options.ttl),
    Urgency: options.urgency,
  }
  if (options.topic) headers.Topic = options.topic
  try {
    const res = await fetcher(target.endpoint, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(10_000) })
    await res.body?.cancel()
    return { outcome: outcomeOf(res.status), status: res.status }
  } catch {
    return { outcome: 'retry', status: 0 }
  }
}
