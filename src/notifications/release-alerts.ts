import type { DynamoDb } from '../aws/dynamodb'
import { TransactionCanceledError } from '../aws/errors'
import type { Catalog, Movie } from '../catalog/types'
import { readPreferences } from './preferences'
import type { NotificationStore } from './store'

export interface ReleaseAlertOptions {
  db: DynamoDb
  table: string
  store: NotificationStore
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

type Reason = { kind: 'listed' } | { kind: 'genre'; genre: string }

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
  const genreNames = new Map((await options.catalog.genres()).map((g) => [g.id, g.name]))
  const genreAlerts = new Map<string, number>()
  const report: ReleaseAlertReport = { films: films.length, notified: 0, skipped: 0 }
  for (const film of films) {
    if (Date.now() > deadline) break
    const audience = await audienceOf(film, options, genreNames)
    const prefs = await readPreferences(options.db, options.table, [...audience.keys()])
    const recipients = [...audience].filter(([userId, reason]) => {
      if (!prefs.get(userId)?.release) return false
      if (reason.kind === 'listed') return true
      const sent = genreAlerts.get(userId) ?? 0
      return sent < (options.maxGenreAlertsPerUser ?? 3)
    })
    for (let start = 0; start < recipients.length; start += PARALLEL_WRITES) {
      const results = await Promise.all(
        recipients.slice(start, start + PARALLEL_WRITES).map(([userId, reason]) => alert(userId, film, reason, now, options)),
      )
      results.forEach((sent, i) => {
        if (!sent) return void report.skipped++
        report.notified++
        const [userId, reason] = recipients[start + i]!
        if (reason.kind === 'genre') genreAlerts.set(userId, (genreAlerts.get(userId) ?? 0) + 1)
      })
    }
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

/** Who cares about `film`: its listers, then followers of its genres (a lister is told once, as a lister). */
async function audienceOf(film: Movie, options: ReleaseAlertOptions, genreNames: Map<number, string>): Promise<Map<string, Reason>> {
  const { db, table } = options
  const audience = new Map<string, Reason>()
  const listers = await db.queryAll<{ user_id: string }>(table, {
    index: 'gsi1',
    keyCondition: 'gsi1pk = :pk',
    values: { ':pk': `WATCHERS#${film.id}` },
    projection: 'user_id',
  })
  for (const { user_id } of listers) audience.set(user_id, { kind: 'listed' })
  for (const genreId of film.genre_ids) {
    const followers = await db.queryAll<{ user_id: string }>(table, {
      keyCondition: 'pk = :pk AND begins_with(sk, :user)',
      filter: 'listed_count > :zero',
      values: { ':pk': `GENRE#${genreId}`, ':user': 'USER#', ':zero': 0 },
      projection: 'user_id',
    })
    const genre = genreNames.get(genreId) ?? 'a genre you follow'
    for (const { user_id } of followers) if (!audience.has(user_id)) audience.set(user_id, { kind: 'genre', genre })
  }
  return audience
}

/** Writes the marker and the notification together; false when the user was already alerted about the film. */
async function alert(userId: string, film: Movie, reason: Reason, now: Date, options: ReleaseAlertOptions): Promise<boolean> {
  const notification = await options.store.build(userId, {
    type: 'release',
    movie_id: film.id,
    at: now,
    key: `release:${userId}:${film.id}`,
    ...(reason.kind === 'listed'
      ? { title: `${film.title} is out now`, body: `A film on your list is now playing${released(film)}.` }
      : { title: `New in ${reason.genre}: ${film.title}`, body: `Now playing${released(film)}, in a genre from your list.` }),
  })
  try {
    await options.db.transactWrite([
      {
        put: {
          table: options.table,
          item: {
            pk: `USER#${userId}`,
            sk: `ALERTED#${film.id}`,
            movie_id: film.id,
            alerted_at: now.toISOString(),
            expires_at: Math.floor(now.getTime() / 1000) + ALERTED_TTL_SECONDS,
          },
          condition: 'attribute_not_exists(pk)',
        },
      },
      options.store.putEntry(notification),
    ])
    return true
  } catch (error) {
    if (error instanceof TransactionCanceledError && error.conditionFailed) return false
    throw error
  }
}

const released = (film: Movie) => (film.release_date ? ` (released ${film.release_date})` : '')
