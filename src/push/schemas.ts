import { issueMessage as m } from '../i18n/message-ref'
import { z } from 'zod'
import { fromBase64Url } from './bytes'
import { importClientKey } from './encryption'

const decodesTo = (bytes: number) => (value: string) => {
  try {
    return fromBase64Url(value).length === bytes
  } catch {
    return false
  }
}

/**
 * An uncompressed P-256 point that is on the curve: a key that only looks right (65 bytes, 0x04) would make every
 * send to this user fail (the third audit's I6), so it is refused here, at subscribe time, with a 422.
 */
const p256Point = async (value: string) => {
  try {
    return (await importClientKey(fromBase64Url(value))) !== null
  } catch {
    return false
  }
}

/** What a browser's PushSubscription.toJSON() gives (expirationTime and other fields are ignored). */
export const PushSubscriptionBodySchema = z.object({
  endpoint: z
    .string()
    .max(2048, m('validation.maxChars', { max: 2048 }))
    .pipe(z.url({ protocol: /^https?$/, message: m('validation.httpUrl') }))
    .describe('The push service URL (https: in production)'),
  keys: z.object({
    p256dh: z.string().max(200).refine(p256Point, m('validation.p256Key')).describe('The browser\'s P-256 key (base64url)'),
    auth: z.string().max(64).refine(decodesTo(16), m('validation.authSecret')).describe('The 16-byte authentication secret (base64url)'),
  }),
})
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBodySchema>

export const PushUnsubscribeBodySchema = z.object({
  endpoint: z.string().min(1, m('validation.required')).max(2048, m('validation.maxChars', { max: 2048 })),
})

export const PublicKeySchema = z.object({ key: z.string().describe('The VAPID public key (uncompressed P-256, base64url): applicationServerKey') })

/** The answer to a registration: the endpoint now registered. */
export const RegisteredSchema = z.object({ endpoint: z.string().describe('The endpoint registered') })
