import { newestFirst, publicFields, type AccountDataParticipant } from '../shared/participants'
import type { WatchlistService } from './service'

export { WatchlistService, movieOf, type ListedMovie, type Lister } from './service'

/** The list's part in account export and erasure. */
export function watchlistParticipant(watchlist: WatchlistService): AccountDataParticipant {
  return {
    name: 'watchlist',
    async export(userId) {
      const { entries, follows } = await watchlist.exportUser(userId)
      return { watchlist: entries.map(publicFields).sort(newestFirst('added_at')), genre_follows: follows.map(publicFields) }
    },
    erase: (userId) => watchlist.eraseUser(userId),
  }
}
