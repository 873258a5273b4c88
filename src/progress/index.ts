import type { AccountDataParticipant } from '../shared/participants'
import { newestFirst, publicFields } from '../shared/participants'
import type { ProgressService } from './service'

import type { ReadPlan } from '../data/prefetch'
import { progressKey } from './service'

export { watchedSummaryKey } from './service'

export { ProgressService, PROGRESS_LIMIT, type ContinueWatching } from './service'

/** A film page's read of where the viewer stopped, named before authentication (services.readAhead). */
export const filmPageProgressPlan = (movieId: number): ReadPlan => (viewerId) => [progressKey(viewerId, movieId)]

/** Watch progress in the account's export; its items live in the user's partition, which the erasure sweeps. */
export function progressParticipant(progress: ProgressService): AccountDataParticipant {
  return {
    name: 'progress',
    async export(userId) {
      const items = await progress.exportUser(userId)
      return { watch_progress: items.map(({ gsi2pk: _pk, gsi2sk: _sk, ...item }) => publicFields(item)).sort(newestFirst('at')) }
    },
    erase: async () => {},
  }
}
