import type { Defer } from '../../platform'

/**
 * `defer` on Node: the work already runs; it is only remembered until it settles, so a graceful
 * shutdown can wait for every piece of deferred work (outbox publishes, page-cache refreshes, emails)
 * the way Workers waits for waitUntil.
 */
export interface TrackedDefer {
  readonly defer: Defer
  /** How many deferred pieces of work are still running. */
  pending(): number
  /** Resolves once nothing deferred is running, including work deferred by work that was running. */
  settled(): Promise<void>
}

export function trackedDefer(): TrackedDefer {
  const running = new Set<Promise<unknown>>()
  const defer: Defer = (work) => {
    const tracked: Promise<unknown> = Promise.resolve(work)
      .catch((error: unknown) => console.error('deferred work failed', error instanceof Error ? error.name : 'error'))
      .finally(() => running.delete(tracked))
    running.add(tracked)
  }
  return {
    defer,
    pending: () => running.size,
    async settled() {
      while (running.size > 0) await Promise.allSettled([...running])
    },
  }
}
