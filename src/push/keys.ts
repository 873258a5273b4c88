/** Push subscriptions' keys: USER#<id> / PUSHSUB#<endpoint hash>, and one owner item per endpoint. */
export const PUSHSUB_PREFIX = 'PUSHSUB#'
export const pushSubSk = (endpointHash: string) => `${PUSHSUB_PREFIX}${endpointHash}`
/** PUSHEP#<endpoint hash> / OWNER: which account a device's endpoint belongs to now (one at a time). */
export const endpointOwnerKey = (endpointHash: string) => ({ pk: `PUSHEP#${endpointHash}`, sk: 'OWNER' })

/** Endpoints are long URLs; items are keyed by a hash of them. */
export async function endpointHash(endpoint: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(endpoint)))
  return Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** What a subscription keeps of the session that registered it (audit 3, L2): a hash, never the token (a credential). */
export const sessionTag = endpointHash
