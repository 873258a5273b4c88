import { notDeleted } from '../accounts/tombstone'
import type { NotificationPrefs } from '../accounts/types'
import type { Catalog, Movie } from '../catalog/types'
import { TransactionCanceledError } from '../data/errors'
import type { DataStore, TransactItem } from '../data/store'
import { USER_PREFIX, userPk } from '../shared/keys'
import { retryOptimistic } from '../shared/conflict-retry'
import type { Announce } from './delivery'
import { alertedSk, streamingSk } from './keys'
import type { NotificationMessage, NotificationStore } from './store'

export interface ReleaseAlertOptions {
  db: DataStore
  table: string
  store: NotificationStore
  /** Who listed a film, who follows a genre (the watchlist's narrow API). */
  audience: { watchersOf(movieId: number): Promise<string[]>; followersOfGenre(genreId: number): Promise<string[]> }
  preferencesOf(userIds: string[]): Promise<Map<string, NotificationPrefs>>
  /** Stages `notification.created` with each alert (the channels deliver it: delivery.ts); absent when only in-app is on. */
  announce?: Announce
  catalog: Pick<Catalog, 'source' | 'list' | 'genres'>
  /** Pages of the now-playing list to consider (default 2, i.e. 40 films). */
  maxPages?: number
  /** Alerts about films in followed genres, per user and run: a first run must not flood anyone (default 3). */
  maxGenreAlertsPerUser?: number
  /** Stop starting new films after this much wall time (default 60 s); markers make the next run resume. */
  maxMillis?: number
  now?: Date
}

export interface ReleaseAlertReport {
  films: number
  notified: number
  /** Already alerted about that film earlier. */
  skipped: number
}

/** Markers keep "never twice for one film" long after the film leaves theatres. */
const ALERTED_TTL_SECONDS = 365 * 24 * 3600
const PARALLEL_WRITES = 10
const PARALLEL_FILMS = 4
const NEW_RELEASE_DAYS = 30

type Reason = { kind: 'listed' } | { kind: 'genre'; genreId: number }

/**
 * Daily: for each film now playing, alert the users who listed it (gsi1 WATCHERS#<movieId>) and
 * the users who follow one of its genres (GENRE#<genreId>), never scanning all users. One
 * conditional USER#<id>/ALERTED#<movieId> marker per user and film, written in the same
 * transaction as the notification, means nobody hears about one film twice.
 */
export async function runReleaseAlertsJob(options: ReleaseAlertOptions): Promise<ReleaseAlertReport> {
  const deadline = Date.now() + (options.maxMillis ?? 60_000)
  const now = options.now ?? new Date()
  const films = await nowPlaying(options)
  const newSince = newReleaseCutoff(films, options)
  const genreNames = new Map((await options.catalog.genres()).map((g) => [g.id, g.name]))
  const genreAlerts = new Map<string, number>()
  // Films share genres: each genre's followers are read once per run.
  const followersByGenre = new Map<number, Promise<string[]>>()
  const followersOf = (genreId: number) => {
    let followers = followersByGenre.get(genreId)
    if (!followers) followersByGenre.set(genreId, (followers = options.audience.followersOfGenre(genreId)))
    return followers
  }
  // Preferences too: one read per user and run, not one per film.
  const releaseOn = new Map<string, boolean>()
  const wantingReleases = async (userIds: string[]) => {
    const unknown = userIds.filter((id) => !releaseOn.has(id))
    const prefs = await options.preferencesOf(unknown)
    for (const id of unknown) releaseOn.set(id, prefs.get(id)?.release === true)
    return userIds.filter((id) => releaseOn.get(id))
  }
  const report: ReleaseAlertReport = { films: films.length, notified: 0, skipped: 0 }
  const alertAbout = async (film: Movie) => {
    // Listers hear about any film now playing; genre followers only about new ones.
    const audience = await audienceOf(film, options, genreNames, (film.release_date ?? '') >= newSince ? followersOf : undefined)
    const wanted = await wantingReleases([...audience.keys()])
    const done = await alreadyAlerted(film.id, wanted, options)
    report.skipped += done.size
    // Genre slots are taken while choosing (synchronously), so films handled side by side share the cap exactly.
    const recipients = [...audience].filter(([userId, reason]) => {
      if (!wanted.includes(userId) || done.has(userId)) return false
      if (reason.kind === 'listed') return true
      const sent = genreAlerts.get(userId) ?? 0
      if (sent >= (options.maxGenreAlertsPerUser ?? 3)) return false
      genreAlerts.set(userId, sent + 1)
      return true
    })
    for (let start = 0; start < recipients.length; start += PARALLEL_WRITES) {
      const chunk = recipients.slice(start, start + PARALLEL_WRITES)
      const results = await Promise.all(chunk.map(([userId, reason]) => alert(userId, film, reason, now, options)))
      results.forEach((sent, i) => {
        const [userId, reason] = chunk[i]!
        if (sent) return void report.notified++
        report.skipped++
        if (reason.kind === 'genre') genreAlerts.set(userId, (genreAlerts.get(userId) ?? 1) - 1)
      })
    }
  }
  for (let start = 0; start < films.length && Date.now() < deadline; start += PARALLEL_FILMS) {
    await Promise.all(films.slice(start, start + PARALLEL_FILMS).map(alertAbout))
  }
  return report
}

/** The catalog's now-playing films (newest first), none dated in the future. */
async function nowPlaying(options: ReleaseAlertOptions): Promise<Movie[]> {
  const films = new Map<number, Movie>()
  const maxPages = options.maxPages ?? 2
  for (let page = 1; page <= maxPages; page++) {
    const result = await options.catalog.list('now_playing', { page })
    for (const film of result.results) films.set(film.id, film)
    if (page >= result.total_pages) break
  }
  // The bundled catalog's "today" is CATALOG_TODAY, and its list already ends there.
  const today = options.catalog.source === 'bundled' ? '9999-12-31' : (options.now ?? new Date()).toISOString().slice(0, 10)
  return [...films.values()]
    .filter((film) => film.release_date !== null && film.release_date <= today)
    .sort((a, b) => (b.release_date ?? '').localeCompare(a.release_date ?? ''))
}

/**
 * Films released on or after this date count as new for genre followers: the 30 days up to today
 * (for the bundled catalog, up to its newest film now playing, which is CATALOG_TODAY's neighbourhood).
 */
function newReleaseCutoff(films: Movie[], options: ReleaseAlertOptions): string {
  const today = options.catalog.source === 'bundled' ? films[0]?.release_date : (options.now ?? new Date()).toISOString().slice(0, 10)
  if (!today) return '9999-12-31'
  return new Date(Date.parse(today) - NEW_RELEASE_DAYS * 24 * 3600 * 1000).toISOString().slice(0, 10)
}

/** Who cares about `film`: its listers, then followers of its genres (a lister is told once, as a lister). */
async function audienceOf(
  film: Movie,
  options: ReleaseAlertOptions,
  genreNames: Map<number, string>,
  followersOf: ((genreId: number) => Promise<string[]>) | undefined,
): Promise<Map<string, Reason>> {
  const genreIds = followersOf ? film.genre_ids : []
  const [listers, ...followersPerGenre] = await Promise.all([
    options.audience.watchersOf(film.id),
    ...genreIds.map((genreId) => followersOf!(genreId)),
  ])
  const audience = new Map<string, Reason>()
  for (const userId of listers!) audience.set(userId, { kind: 'listed' })
  genreIds.forEach((genreId, i) => {
    for (const userId of followersPerGenre[i] as string[]) if (!audience.has(userId)) audience.set(userId, { kind: 'genre', genreId })
  })
  return audience
}

/** Users among `userIds` already alerted about the film (their marker exists): a read instead of a failed write. */
async function alreadyAlerted(movieId: number, userIds: string[], options: ReleaseAlertOptions): Promise<Set<string>> {
  if (userIds.length === 0) return new Set()
  const markers = await options.db.batchGet<{ pk: string }>(
    options.table,
    userIds.map((id) => ({ pk: userPk(id), sk: alertedSk(movieId) })),
  )
  return new Set(markers.map((marker) => marker.pk.slice(USER_PREFIX.length)))
}

/** Writes the marker and the notification together; false when the user was already alerted about the film. */
function alert(userId: string, film: Movie, reason: Reason, now: Date, options: ReleaseAlertOptions): Promise<boolean> {
  const message =
    reason.kind === 'listed'
      ? { template: 'release.listed' as const, params: { release_date: film.release_date } }
      : { template: 'release.genre' as const, params: { genre_id: reason.genreId, release_date: film.release_date } }
  return tell(userId, film.id, { ...message, key: `release:${userId}:${film.id}`, marker: alertedSk(film.id) }, now, options)
}

/**
 * One `release` notification and its "told already" marker, in one transaction (with the unread summary and the
 * delivery's staging); false when the marker was there (the user was told before).
 */
async function tell(
  userId: string,
  movieId: number,
  message: NotificationMessage & { key: string; marker: string },
  now: Date,
  options: Pick<ReleaseAlertOptions, 'db' | 'table' | 'store' | 'announce'>,
): Promise<boolean> {
  const { key, marker, ...copy } = message
  const notification = await options.store.build(userId, { type: 'release', movie_id: movieId, at: now, key, ...copy })
  const announced = options.announce?.(userId, notification.id)
  try {
    const writes: TransactItem[] = [
      {
        put: {
          table: options.table,
          item: { pk: userPk(userId), sk: marker, movie_id: movieId, alerted_at: now.toISOString(), expires_at: Math.floor(now.getTime() / 1000) + ALERTED_TTL_SECONDS },
          condition: 'attribute_not_exists(pk)',
        },
      },
      options.store.putEntry(notification),
      options.store.unreadEntry(userId, [notification]),
      ...(announced?.writes ?? []),
      // Not for an account being deleted (its tombstone refuses the write): nothing of it may outlive the erasure.
      await notDeleted(options.table, userId),
    ]
    // Alerts of one user about several films meet at the unread summary: a conflict is tried again.
    await retryOptimistic(() => options.db.transactWrite(writes).then(() => true))
    announced?.release()
    return true
  } catch (error) {
    if (error instanceof TransactionCanceledError && error.conditionFailed) return false
    throw error
  }
}

export type StreamingAlertOptions = Pick<ReleaseAlertOptions, 'db' | 'table' | 'store' | 'announce' | 'preferencesOf'> & {
  audience: Pick<ReleaseAlertOptions['audience'], 'watchersOf'>
}

/**
 * A film's video became watchable (`video.ready`): "Now streaming on Flixpeek" for every member with the film on
 * their list who wants release alerts, once per member and film (USER#<id>/STREAMING#<movieId>, conditional), so a
 * redelivered event or a second video of the same film tells nobody twice.
 */
export async function announceStreaming(options: StreamingAlertOptions, movieId: number, now: Date): Promise<ReleaseAlertReport> {
  const listers = await options.audience.watchersOf(movieId)
  const prefs = await options.preferencesOf(listers)
  const wanted = listers.filter((userId) => prefs.get(userId)?.release === true)
  const report: ReleaseAlertReport = { films: 1, notified: 0, skipped: 0 }
  for (let start = 0; start < wanted.length; start += PARALLEL_WRITES) {
    const sent = await Promise.all(
      wanted.slice(start, start + PARALLEL_WRITES).map((userId) => tell(userId, movieId, { template: 'release.streaming', params: {}, key: `streaming:${userId}:${movieId}`, marker: streamingSk(movieId) }, now, options)),
    )
    for (const told of sent) {
      if (told) report.notified++
      else report.skipped++
    }
  }
  return report
}
