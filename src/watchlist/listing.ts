import type { Catalog, CatalogOptions, Movie } from '../catalog/types'
import { ConditionalCheckFailedError } from '../data/errors'
import type { DataStore, Key } from '../data/store'
import type { Defer } from '../platform'
import type { CursorCodec } from '../shared/cursor'
import { InvalidCursor } from '../shared/errors'
import { userPk } from '../shared/keys'
import { WATCHLIST_PAGE_SIZE, listTimelinePk, watchSk, type ListSummaryItem, type WatchItem } from './keys'
import { SETTLE_MS } from './list-memo'

export type ListedMovie = Movie & { added_at: string }

export interface ListPage {
  page: number
  results: ListedMovie[]
  next_cursor: string | null
}

/** A snapshot older than this is refreshed from the catalog after the response. */
export const SNAPSHOT_MAX_AGE_MS = 24 * 3600 * 1000
const CURSOR_KIND = 'watchlist'

export interface ListingDeps {
  db: DataStore
  table: string
  catalog: Pick<Catalog, 'details' | 'many'>
  cursors: CursorCodec
  defer: Defer
}

/** The contract's Movie out of a MovieDetails or a stored snapshot (nothing else is kept). */
export function movieOf(details: Movie): Movie {
  const { id, title, overview, release_date, poster_url, backdrop_url, vote_average, vote_count, genre_ids } = details
  return { id, title, overview, release_date, poster_url, backdrop_url, vote_average, vote_count, genre_ids }
}

/** Entries newest first through gsi2 (LIST#<userId> / <added_at>#<movieId>): `limit` of them after `after`. */
async function readEntries(deps: ListingDeps, userId: string, limit: number, after?: string): Promise<WatchItem[]> {
  const startKey: Key | undefined = after
    ? { pk: userPk(userId), sk: watchSk(Number(after.slice(after.lastIndexOf('#') + 1))), gsi2pk: listTimelinePk(userId), gsi2sk: after }
    : undefined
  const { items } = await deps.db.query<WatchItem>(deps.table, {
    index: 'gsi2',
    keyCondition: 'gsi2pk = :pk',
    values: { ':pk': listTimelinePk(userId) },
    forward: false,
    limit,
    ...(startKey ? { startKey } : {}),
  })
  return items
}

/** What the list's summary (read consistently, written in every add's and remove's transaction) says of its last change. */
export type RecentChange = Pick<ListSummaryItem, 'ids' | 'changed_at' | 'last_added'>

/**
 * Read-your-writes over an index that lags its table (on AWS, gsi2 shows a write a moment later): within SETTLE_MS
 * of the list's last change, the newest entries as the summary knows them. Films removed are left out, and the film
 * added last, when the index does not show it yet, is read from the table itself and put first (it is the newest).
 * So the page a no-JavaScript add or remove redirects to shows that change.
 */
async function settled(deps: ListingDeps, userId: string, entries: WatchItem[], recent: RecentChange | undefined, limit: number): Promise<WatchItem[]> {
  if (!recent || Date.now() - (recent.changed_at ?? 0) >= SETTLE_MS) return entries
  const listed = (id: number) => recent.ids?.[String(id)] === true
  const kept = entries.filter((entry) => listed(entry.movie_id))
  const last = recent.last_added
  if (last === undefined || !listed(last) || kept.some((entry) => entry.movie_id === last)) return kept
  const entry = await deps.db.get<WatchItem>(deps.table, { pk: userPk(userId), sk: watchSk(last) }, { consistent: true })
  return entry ? [entry, ...kept].slice(0, limit) : kept
}

/**
 * One page of the list, newest first: one Query of pageSize + 1 entries, their films from the
 * stored snapshots. Entries without one (added before snapshots) are looked up once and saved;
 * snapshots older than a day are refreshed after the response.
 */
export async function listPage(
  deps: ListingDeps,
  userId: string,
  request: { page?: number; cursor?: string },
  options: CatalogOptions = {},
  pageSize = WATCHLIST_PAGE_SIZE,
  recent?: RecentChange,
): Promise<ListPage> {
  let page = request.page ?? 1
  let after: string | undefined
  if (request.cursor) {
    const match = /^([0-9]{1,6})\|(.+#[0-9]+)$/.exec(await deps.cursors.decode(CURSOR_KIND, userId, request.cursor))
    if (!match) throw new InvalidCursor()
    page = Number(match[1])
    after = match[2]
  }
  const skip = after ? 0 : (page - 1) * pageSize
  const found = await readEntries(deps, userId, skip + pageSize + 1, after)
  const firstPage = found.slice(skip, skip + pageSize)
  // The first page is where a change just made shows; deeper pages (numbered or by cursor) read the index as it is.
  const shown = page === 1 && !after ? await settled(deps, userId, firstPage, recent, pageSize) : firstPage
  const last = shown.at(-1)
  const more = found.length > skip + pageSize && last?.gsi2sk !== undefined
  return {
    page,
    results: await withSnapshots(deps, shown, options),
    next_cursor: more ? await deps.cursors.encode(CURSOR_KIND, userId, `${page + 1}|${last.gsi2sk}`) : null,
  }
}

/** The entries as cards: snapshots as stored; missing ones from the catalog (saved for next time); stale ones refreshed later. */
export async function withSnapshots(deps: ListingDeps, entries: WatchItem[], options: CatalogOptions = {}): Promise<ListedMovie[]> {
  const missing = entries.filter((entry) => !entry.movie)
  const looked = missing.length ? await deps.catalog.many(missing.map((entry) => entry.movie_id), options) : []
  const lookedUp = new Map(looked.map((film) => [film.id, movieOf(film)]))
  const now = Date.now()
  const stale = entries.filter((entry) => entry.movie && now - Date.parse(entry.snapshot_at ?? '') > SNAPSHOT_MAX_AGE_MS)
  const toSave = [...missing.flatMap((entry) => (lookedUp.has(entry.movie_id) ? [{ entry, movie: lookedUp.get(entry.movie_id)! }] : []))]
  if (toSave.length || stale.length) deps.defer(refreshSnapshots(deps, toSave, stale, options))
  return entries.flatMap((entry) => {
    const movie = entry.movie ?? lookedUp.get(entry.movie_id)
    return movie ? [{ ...movie, added_at: entry.added_at }] : []
  })
}

async function refreshSnapshots(deps: ListingDeps, known: { entry: WatchItem; movie: Movie }[], stale: WatchItem[], options: CatalogOptions) {
  const fresh = stale.length ? await deps.catalog.many(stale.map((entry) => entry.movie_id), options) : []
  const byId = new Map(fresh.map((film) => [film.id, movieOf(film)]))
  const updates = [...known, ...stale.flatMap((entry) => (byId.has(entry.movie_id) ? [{ entry, movie: byId.get(entry.movie_id)! }] : []))]
  await Promise.all(updates.map(({ entry, movie }) => saveSnapshot(deps, entry, movie)))
}

async function saveSnapshot(deps: ListingDeps, entry: WatchItem, movie: Movie): Promise<void> {
  try {
    await deps.db.update(deps.table, { pk: entry.pk, sk: entry.sk }, {
      update: 'SET movie = :movie, snapshot_at = :now',
      // Only the entry we read: a removed (or removed and re-added) film keeps its own state.
      condition: 'added_at = :added',
      values: { ':movie': movie, ':now': new Date().toISOString(), ':added': entry.added_at },
      returnValues: 'NONE',
    })
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedError)) throw error
  }
}

/** The newest `limit` films of the list (the home page's My List row): one Query, no catalog call for snapshotted entries. */
export async function newestListed(deps: ListingDeps, userId: string, limit: number, options: CatalogOptions = {}, recent?: RecentChange): Promise<ListedMovie[]> {
  return withSnapshots(deps, await settled(deps, userId, await readEntries(deps, userId, limit), recent, limit), options)
}
