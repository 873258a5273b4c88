import { ROW_SIZE, type HomeSection, type HomeViewer } from '../home-row'

/**
 * The home page's My List row: the viewer's newest listed films, from their snapshots (one Query of ROW_SIZE
 * entries, no catalog calls). Only when the list (read by withListed) has anything on it.
 */
export async function myListRow({ services, user, listed, options, t }: HomeViewer): Promise<HomeSection | null> {
  if (!user || !listed?.size) return null
  const movies = await services.watchlist.newest(user.id, ROW_SIZE, options)
  return movies.length ? { card: 'poster', row: { id: 'my-list', title: t('home.row.myList'), movies, moreHref: '/watchlist' } } : null
}
