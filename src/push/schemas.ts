import { issueMessage as m } from '../i18n/message-ref'
import { z } from 'zod'
import { fromBase64Url } from './bytes'

const decodesTo = (bytes: number, first?: number) => (value: string) => {
  try {
    const decoded = fromBase64Url(value)
    return decoded.length === bytes && (first === undefined || decoded[0] === first)
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
    p256dh: z.string().max(200).refine(decodesTo(65, 4), m('validation.p256Key')).describe('The browser\'s P-256 key (base64url)'),
    auth: z.string().max(64).refine(decodesTo(16), m('validation.authSecret')).describe('The 16-byte authentication secret (base64url)'),
  }),
})
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBodySchema>

export const PushUnsubscribeBodySchema = z.object({
  endpoint: z.string().min(1, m('validation.required')).max(2048, m('validation.maxChars', { max: 2048 })),
})

export const PublicKeySchema = z.object({ key: z.string().describe('The VAPID public key (uncompressed P-256, base64url): applicationServerKey') })
