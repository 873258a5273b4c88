import type { Catalog, CatalogOptions } from '../catalog/types'
import type { MessageKey } from '../i18n/catalogue'
import type { Translator } from '../i18n/translator'
import type { Notification, NotificationItem, NotificationTemplate } from './store'

/** What rendering needs from the catalog, in the reader's language. */
export interface Names {
  film(id: number | null | undefined): string | undefined
  genre(id: number): string | undefined
}

type Text = { title: string; body: string }
type Copy = (params: Record<string, unknown>, item: NotificationItem, names: Names, t: Translator) => Text

const film = (names: Names, t: Translator, id: unknown, fallback: MessageKey) => names.film(typeof id === 'number' ? id : undefined) ?? t(fallback)
/** "released {date}" with the day in the reader's format ("5 mars 2026"), never the stored ISO string. */
const dated = (t: Translator, date: unknown, plain: MessageKey, withDate: MessageKey) => {
  const day = typeof date === 'string' ? t.date(date) : ''
  return day ? t(withDate, { date: day }) : t(plain)
}

/** Each template in the reader's language (src/i18n catalogues); a film or genre that cannot be looked up reads generically. */
const COPY: Record<NotificationTemplate, Copy> = {
  welcome: (_p, _i, _n, t) => ({ title: t('notification.welcome.title'), body: t('notification.welcome.body') }),
  'security.password_changed': (_p, _i, _n, t) => ({ title: t('notification.passwordChanged.title'), body: t('notification.passwordChanged.body') }),
  'security.email_changed': (_p, _i, _n, t) => ({ title: t('notification.emailChanged.title'), body: t('notification.emailChanged.body') }),
  'recommendation.rated': (params, item, names, t) => ({
    title: t('notification.recommendation.title', { film: film(names, t, item.movie_id, 'notification.someFilm') }),
    body: t('notification.recommendation.body', { film: film(names, t, params.rated_movie_id, 'notification.someFilm'), rating: Number(params.rating) }),
  }),
  'release.listed': (params, item, names, t) => ({
    title: t('notification.releaseListed.title', { film: film(names, t, item.movie_id, 'notification.listedFilm') }),
    body: dated(t, params.release_date, 'notification.releaseListed.body', 'notification.releaseListed.bodyDated'),
  }),
  'release.streaming': (_params, item, names, t) => ({
    title: t('notification.releaseStreaming.title', { film: film(names, t, item.movie_id, 'notification.listedFilm') }),
    body: t('notification.releaseStreaming.body'),
  }),
  'release.genre': (params, item, names, t) => ({
    title: t('notification.releaseGenre.title', {
      genre: names.genre(Number(params.genre_id)) ?? t('notification.someGenre'),
      film: film(names, t, item.movie_id, 'notification.newFilm'),
    }),
    body: dated(t, params.release_date, 'notification.releaseGenre.body', 'notification.releaseGenre.bodyDated'),
  }),
}

/** The contract's Notification for a stored item; items stored before templates render their text as stored. */
export function renderNotification(item: NotificationItem, names: Names, t: Translator): Notification {
  const text = item.template && item.template in COPY ? COPY[item.template](item.params ?? {}, item, names, t) : { title: item.title ?? '', body: item.body ?? '' }
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
export async function renderAll(items: NotificationItem[], catalog: Pick<Catalog, 'many' | 'genres'>, t: Translator, options: CatalogOptions = {}): Promise<Notification[]> {
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
  return items.map((item) => renderNotification(item, names, t))
}
