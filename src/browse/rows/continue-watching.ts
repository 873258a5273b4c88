import { ROW_SIZE, type HomeSection, type HomeViewer } from '../home-row'

/**
 * The home page's Continue watching row, the first personal row: the films the viewer stopped part-way through, most
 * recent first, each with how much is watched and "Remove from row" (one Query of the sparse index, src/progress/).
 */
export async function continueWatchingRow({ services, user, options, t, warn }: HomeViewer): Promise<HomeSection | null> {
  if (!user) return null
  // Unavailable, the row is only left out: the rest of home does not depend on it.
  const films = await services.progress.continueWatching(user.id, options, ROW_SIZE).catch((error: unknown) => {
    warn('home: continue watching unavailable', error instanceof Error ? error.name : 'error')
    return []
  })
  if (films.length === 0) return null
  const watching = Object.fromEntries(films.map((film) => [film.id, { position: film.position, fraction: film.duration > 0 ? film.position / film.duration : 0 }]))
  return { card: 'poster', row: { id: 'continue-watching', title: t('home.row.continueWatching'), movies: films, watching } }
}
