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
    .max(2048, 'must be at most 2048 characters')
    .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }))
    .describe('The push service URL (https: in production)'),
  keys: z.object({
    p256dh: z.string().max(200).refine(decodesTo(65, 4), 'must be an uncompressed P-256 public key, base64url').describe('The browser\'s P-256 key (base64url)'),
    auth: z.string().max(64).refine(decodesTo(16), 'must be a 16-byte secret, base64url').describe('The 16-byte authentication secret (base64url)'),
  }),
})
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBodySchema>

export const PushUnsubscribeBodySchema = z.object({
  endpoint: z.string().min(1, 'is required').max(2048, 'must be at most 2048 characters'),
})

export const PublicKeySchema = z.object({ key: z.string().describe('The VAPID public key (uncompressed P-256, base64url): applicationServerKey') })
