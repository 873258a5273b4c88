import { TransactionCanceledError } from '../data/errors'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Thrown when optimistic writes kept losing races; surfaces as a 500, which only sustained contention produces. */
export class ContentionError extends Error {
  override name = 'ContentionError'
}

/** True when a transaction was cancelled because another transaction held one of its items (not a failed condition). */
export function isTransactionConflict(error: unknown): boolean {
  if (error instanceof TransactionCanceledError) return error.reasons.includes('TransactionConflict') && !error.conditionFailed
  return error instanceof Error && 'type' in error && (error as { type: unknown }).type === 'TransactionConflictException'
}

/**
 * Runs `attempt` until it returns a value; `undefined` means "lost a race, read again and retry".
 * Transaction conflicts are retried too, with full-jitter exponential backoff so contending writers spread out.
 */
export async function retryOptimistic<T>(attempt: () => Promise<T | undefined>, maxAttempts = 25): Promise<T> {
  for (let n = 0; n < maxAttempts; n++) {
    if (n > 0) await sleep(Math.random() * Math.min(400, 10 * 2 ** Math.min(n, 6)))
    try {
      const result = await attempt()
      if (result !== undefined) return result
    } catch (error) {
      if (!isTransactionConflict(error)) throw error
    }
  }
  throw new ContentionError(`gave up after ${maxAttempts} attempts under write contention`)
}
