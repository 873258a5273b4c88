import { LIMITS, type Throttle } from './throttle'

/**
 * Guards a check of the user's current password (profile changes, account deletion) with the same
 * counters as failed logins: per account (the normalised email) and per client. A stolen token
 * therefore cannot be used to guess the password faster than the login form allows. A slot is
 * taken before the hash work and given back when the password was right, so only failures count.
 * Returns whether the password matched; throws RateLimited (429 with Retry-After) when a counter is full.
 */
export async function countedPasswordCheck(
  throttle: Throttle,
  subjects: { email: string; client: string },
  verify: () => Promise<boolean>,
): Promise<boolean> {
  const slot = await throttle.reserveAll([
    [LIMITS.loginPerAccount, subjects.email],
    [LIMITS.loginPerClient, subjects.client],
  ])
  const ok = await verify()
  if (ok) await slot.refund()
  return ok
}
