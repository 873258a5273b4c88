import { ROW_SIZE, type HomeSection, type HomeViewer } from '../home-row'

/**
 * The home page's Continue watching row, the first personal row: the films the viewer stopped part-way through, most
 * recent first, each with how much is watched and "Remove from row" (one Query of the sparse index, src/progress/).
 */
export async function continueWatchingRow({ services, user, options, t }: HomeViewer): Promise<HomeSection | null> {
  if (!user) return null
  const films = await services.progress.continueWatching(user.id, options, ROW_SIZE)
  if (films.length === 0) return null
  const watching = Object.fromEntries(films.map((film) => [film.id, { position: film.position, fraction: film.duration > 0 ? film.position / film.duration : 0 }]))
  return { card: 'poster', row: { id: 'continue-watching', title: t('home.row.continueWatching'), movies: films, watching } }
}
