import type { Catalog, CatalogOptions } from '../catalog/types'
import type { Notification, NotificationItem, NotificationMessage } from './store'

/** What rendering needs from the catalog, in the reader's language. */
export interface Names {
  film(id: number | null | undefined): string | undefined
  genre(id: number): string | undefined
}

const released = (date: string | null) => (date ? ` (released ${date})` : '')

/** English copy of each template; a film or genre that cannot be looked up reads generically. */
const COPY: { [M in NotificationMessage as M['template']]: (params: M['params'], item: NotificationItem, names: Names) => { title: string; body: string } } = {
  welcome: () => ({
    title: 'Welcome to Flixpeek',
    body: 'Add films to your list: we will tell you when they are out, and suggest more like the ones you love.',
  }),
  'security.password_changed': () => ({
    title: 'Your password was changed',
    body: 'Every other session was signed out. If this was not you, reset your password and check your email address in your profile.',
  }),
  'security.email_changed': () => ({
    title: 'Your email address was changed',
    body: 'You now sign in with the new address. If this was not you, change your password now and review your profile.',
  }),
  'recommendation.rated': (params, item, names) => ({
    title: `You might like ${names.film(item.movie_id) ?? 'a film'}`,
    body: `Because you rated ${names.film(params.rated_movie_id) ?? 'a film'} ${params.rating}/10.`,
  }),
  'release.listed': (params, item, names) => ({
    title: `${names.film(item.movie_id) ?? 'A film on your list'} is out now`,
    body: `A film on your list is now playing${released(params.release_date)}.`,
  }),
  'release.genre': (params, item, names) => ({
    title: `New in ${names.genre(params.genre_id) ?? 'a genre you follow'}: ${names.film(item.movie_id) ?? 'a new film'}`,
    body: `Now playing${released(params.release_date)}, in a genre from your list.`,
  }),
}

/** The contract's Notification for a stored item; items stored before templates render their text as stored. */
export function renderNotification(item: NotificationItem, names: Names): Notification {
  const text =
    item.template && item.template in COPY
      ? (COPY[item.template] as (params: unknown, item: NotificationItem, names: Names) => { title: string; body: string })(item.params ?? {}, item, names)
      : { title: item.title ?? '', body: item.body ?? '' }
  return {
    id: item.id,
    type: item.type,
    ...text,
    movie_id: item.movie_id ?? null,
    created_at: item.created_at,
    read: item.read === true,
  }
}

/** Renders items in the reader's language: the films and genres they mention are looked up once for the whole batch. */
export async function renderAll(items: NotificationItem[], catalog: Pick<Catalog, 'many' | 'genres'>, options: CatalogOptions = {}): Promise<Notification[]> {
  const filmIds = new Set<number>()
  let needsGenres = false
  for (const item of items) {
    if (!item.template) continue
    if (item.movie_id) filmIds.add(item.movie_id)
    const params = (item.params ?? {}) as Record<string, unknown>
    if (typeof params.rated_movie_id === 'number') filmIds.add(params.rated_movie_id)
    if (typeof params.genre_id === 'number') needsGenres = true
  }
  // A catalog outage leaves names generic; the notifications themselves still show.
  const [films, genres] = await Promise.all([
    filmIds.size ? catalog.many([...filmIds], options).catch(() => []) : Promise.resolve([]),
    needsGenres ? catalog.genres(options).catch(() => []) : Promise.resolve([]),
  ])
  const titles = new Map(films.map((film) => [film.id, film.title]))
  const genreNames = new Map(genres.map((genre) => [genre.id, genre.name]))
  const names: Names = { film: (id) => (id ? titles.get(id) : undefined), genre: (id) => genreNames.get(id) }
  return items.map((item) => renderNotification(item, names))
}
