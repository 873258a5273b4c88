import type { AccountDataParticipant } from '../shared/participants'

import type { RecommendationStore } from './store'

/** Dismissals, recent views and precomputed picks in the export; all of them (and the counted-likes item) gone on erasure. */
export function recommendationsParticipant(store: RecommendationStore, eraseLikes: (userId: string) => Promise<void>): AccountDataParticipant {
  return {
    name: 'recommendations',
    async export(userId) {
      const { dismissals, views, picks } = await store.exportUser(userId)
      return {
        dismissed: dismissals.map((item) => ({ movie_id: item.movie_id, dismissed_at: item.dismissed_at })),
        recent_views: (views?.views ?? []).map((view) => ({ movie_id: view.id, viewed_at: new Date(view.at).toISOString() })),
        recommendations: picks
          ? picks.top.map((pick) => ({ movie_id: pick.movie.id, source: pick.source, because: pick.because, computed_at: new Date(picks.computed_at).toISOString() }))
          : [],
      }
    },
    async erase(userId) {
      await Promise.all([store.eraseUser(userId), eraseLikes(userId)])
    },
  }
}
