import type { Catalog, CatalogOptions, Genre, Movie } from '../catalog/types'
import type { Defer } from '../platform'
import type { CollaborativeFilter } from './collaborative'
import type { TransactItem } from '../data/store'
import type { PicksItem, StoredPick } from './keys'
import { becauseYouLikedRows, recommend } from './recommend'
import { seedFilmIds } from './signals'
import type { RecommendationStore } from './store'
import type { Recommendation, Signal, WatchState } from './types'
import { buildUniverse } from './universe'
import { knownAnswer, rememberAnswer } from './picks-memo'

/** What recommendations read from other features, through their narrow APIs (wired in src/services.ts). */
export interface SignalSources {
  /** Films on the user's list, with when they were added (epoch ms). */
  listed(userId: string): Promise<Array<{ movieId: number; at: number }>>
  /** The user's ratings 1–10, with when. */
  ratings(userId: string): Promise<Array<{ movieId: number; rating: number; at: number }>>
  /** Films watched here: to the end, part-way, or abandoned (src/progress/rules.ts), with when. */
  watched(userId: string): Promise<Array<{ movieId: number; state: WatchState; at: number }>>
}

export interface RecommendationDeps {
  store: RecommendationStore
  catalog: Catalog
  sources: SignalSources
  collaborative: CollaborativeFilter
  defer: Defer
}

const WEEK_MS = 7 * 86_400_000

/** The candidates of the weekly recommendation notification, and the item that closes the week once it is sent. */
export interface WeeklyPick {
  /** Picks that come from the film just rated, best first. */
  candidates: Movie[]
  /** Written in the notification's transaction: the week's gate (fails when another recommendation went out this week). */
  gate: TransactItem
}

/** Stored picks per computation: the API's maximum, and two "because" rows of ten. */
const TOP_STORED = 50
const ROW_SIZE = 10
/** A page view recomputes the picks at most this often (views are weak, frequent evidence). */
const VIEW_REFRESH_MS = 15 * 60_000

/** Films to leave out on read (listed since the picks were computed), or the read that finds them. */
type Hidden = ReadonlySet<number> | Promise<ReadonlySet<number>>

export interface PersonalRows {
  top: StoredPick[]
  rows: Array<{ seed: { id: number; title: string; watched?: true }; items: StoredPick[] }>
}

/**
 * Recommendations as the product serves them: signals (list, ratings, dismissals, recent views)
 * read from the table, candidates from the catalog and the item–item neighbours, ranked by the
 * pure core (`recommend`, `becauseYouLikedRows`: the same functions `npm run eval:recs` measures),
 * stored as precomputed picks whenever the user's signal changes. Reading picks is one GetItem.
 */
export class RecommendationService {
  constructor(private readonly deps: RecommendationDeps) {}

  /** Every signal of the user, in the core's shape. */
  async signalsOf(userId: string): Promise<Signal[]> {
    const { store, sources } = this.deps
    const [listed, ratings, dismissals, views, watched] = await Promise.all([sources.listed(userId), sources.ratings(userId), store.dismissals(userId), store.views(userId), sources.watched(userId)])
    return [
      ...watched.map((entry): Signal => ({ kind: 'watch', filmId: entry.movieId, state: entry.state, at: entry.at })),
      ...listed.map((entry): Signal => ({ kind: 'list', filmId: entry.movieId, at: entry.at })),
      ...ratings.map((entry): Signal => ({ kind: 'rating', filmId: entry.movieId, rating: entry.rating, at: entry.at })),
      ...dismissals.map((item): Signal => ({ kind: 'dismiss', filmId: item.movie_id, at: Date.parse(item.dismissed_at) })),
      ...(views?.views ?? []).map((view): Signal => ({ kind: 'view', filmId: view.id, at: view.at })),
    ]
  }

  /** Ranks from scratch and stores the result (skipped when a newer computation already stored its own). */
  async compute(userId: string, options: CatalogOptions = {}): Promise<PersonalRows> {
    const now = Date.now()
    const signals = await this.signalsOf(userId)
    const seeds = seedFilmIds(signals, now)
    const neighbours = await this.deps.collaborative.neighboursOf(seeds.slice(0, 50))
    const { context, movies } = await buildUniverse(this.deps.catalog, { seeds, neighbours, options })
    const top = recommend(signals, now, context, { limit: TOP_STORED })
    const rows = becauseYouLikedRows(signals, now, context, { limit: ROW_SIZE, alsoExclude: top.slice(0, ROW_SIZE).map((pick) => pick.id) })
    const genres = await this.deps.catalog.genres(options).catch((): Genre[] => [])
    const stored = (picks: Recommendation[]) => picks.flatMap((pick) => toStored(pick, movies.get(pick.id), genres))
    const result = { top: stored(top), rows: rows.map((row) => ({ seed: row.seed, items: stored(row.items) })) }
    await this.deps.store.savePicks(userId, { ...result, computed_at: now, language: languageOf(options) })
    return result
  }

  /** After a signal change: recompute once the response is sent. */
  refreshSoon(userId: string, options?: CatalogOptions): void {
    // Without a language (a rating, a progress report): the one the stored picks were read in, so the page is not
    // sent back to computing them again in the reader's language.
    const language = options?.language ? Promise.resolve(options.language) : this.deps.store.picks(userId).then((picks) => picks?.language)
    this.deps.defer(language.then((chosen) => this.compute(userId, { ...options, ...(chosen ? { language: chosen } : {}) })))
  }

  /**
   * The stored picks minus what must not show (dismissed since, or `hide`: e.g. listed since);
   * null when none are computed yet (the page loads them lazily).
   */
  async stored(userId: string, hide: Hidden = new Set(), options?: CatalogOptions): Promise<PersonalRows | null> {
    // Both reads at once: the picks item and whatever the caller reads to hide (e.g. the list's summary).
    const [picks, hidden] = await Promise.all([this.deps.store.picks(userId), hide])
    return picks && inLanguage(picks, options) ? visible(picks, hidden) : null
  }

  /** The picks, computed now when none are stored (the API, the lazy home fragment). */
  async personal(userId: string, hide: Hidden = new Set(), options?: CatalogOptions): Promise<PersonalRows> {
    const stored = await this.stored(userId, hide, options)
    if (stored) return stored
    await this.compute(userId, options)
    return (await this.stored(userId, hide, options)) ?? { top: [], rows: [] }
  }

  /**
   * `render` of the user's visible picks, reused in this isolate while nothing it was made from changed: the stored
   * picks' version (new with every computation, dismissal and undo, mirrored on the profile), the films `hide` took
   * out (listed since) and `variant` (whatever else the rendering depends on: language, limit). A warm call costs
   * the picks' version check (no DynamoDB call of its own) and the hidden-film filter, no rendering.
   */
  async rendered(userId: string, hide: Hidden, variant: string, render: (rows: PersonalRows) => string, options?: CatalogOptions): Promise<string> {
    const [picks, hidden] = await Promise.all([this.deps.store.picks(userId), hide])
    if (!picks || !inLanguage(picks, options)) return render(await this.personal(userId, hidden, options))
    if (picks.version === undefined) return render(visible(picks, hidden))
    const key = `${picks.version}\u0000${variant}\u0000${hiddenAmong(picks, hidden).join(',')}`
    const known = knownAnswer(userId, key)
    if (known !== undefined) return known
    const body = render(visible(picks, hidden))
    rememberAnswer(userId, key, body)
    return body
  }

  async dismiss(userId: string, movieId: number, options?: CatalogOptions): Promise<void> {
    await this.deps.store.dismiss(userId, movieId, new Date())
    this.refreshSoon(userId, options)
  }

  async undismiss(userId: string, movieId: number, options?: CatalogOptions): Promise<void> {
    await this.deps.store.undismiss(userId, movieId)
    this.refreshSoon(userId, options)
  }

  /** The user just rated a film: it leaves their picks at once (the next computation, after the response, excludes it anyway). */
  async rated(userId: string, movieId: number, options?: CatalogOptions): Promise<void> {
    await this.deps.store.hide(userId, movieId)
    this.refreshSoon(userId, options)
  }

  async isDismissed(userId: string, movieId: number): Promise<boolean> {
    return this.deps.store.isDismissed(userId, movieId)
  }

  /** A signed-in user opened a film's page: remembered after the response; picks follow at most every 15 minutes. */
  recordView(userId: string, movieId: number, options?: CatalogOptions): void {
    this.deps.defer(
      (async () => {
        await this.deps.store.recordView(userId, movieId, Date.now())
        const picks = await this.deps.store.picks(userId)
        if (!picks || Date.now() - picks.computed_at > VIEW_REFRESH_MS) await this.compute(userId, options)
      })(),
    )
  }

  /**
   * The weekly recommendation: null while a recommendation went out less than a week ago (at most
   * one a week per user), else the user's stored picks that come from `ratedMovieId` (the
   * notification says "because you rated …"), and the gate item to write with the notification.
   */
  async weeklyPick(userId: string, ratedMovieId: number, at: Date): Promise<WeeklyPick | null> {
    const sentAt = await this.deps.store.weeklySentAt(userId)
    if (sentAt && at.getTime() - Date.parse(sentAt) < WEEK_MS) return null
    const picks = await this.personal(userId)
    const fromRated = [
      ...picks.top.filter((pick) => pick.because?.id === ratedMovieId),
      ...picks.rows.filter((row) => row.seed.id === ratedMovieId).flatMap((row) => row.items),
    ]
    const candidates = [...new Map(fromRated.map((pick) => [pick.movie.id, pick.movie])).values()]
    return { candidates, gate: this.deps.store.weeklyGate(userId, at, new Date(at.getTime() - WEEK_MS)) }
  }

  /** Films to offer in the "pick three you like" step: popular films, a few pages. */
  async onboardingChoices(options?: CatalogOptions): Promise<Movie[]> {
    const [first, second] = await Promise.all([this.deps.catalog.list('popular', options), this.deps.catalog.list('popular', { ...options, page: 2 })])
    return [...first.results, ...second.results].slice(0, 24)
  }
}

function toStored(pick: Recommendation, movie: Movie | undefined, genres: readonly Genre[]): StoredPick[] {
  if (!movie) return []
  const genreId = pick.reason.params.genreId
  const genre = genreId === undefined ? undefined : genres.find((g) => g.id === Number(genreId))?.name
  return [{ movie, source: pick.source, because: pick.because, reason: pick.reason, ...(genre ? { genre } : {}) }]
}

/** The language picks are read in (the catalog's default when none is asked for). */
const languageOf = (options?: CatalogOptions): string => options?.language ?? 'en'

/** Whether stored picks were read in the language asked for now (older picks, without one, pass: they are recomputed soon). */
const inLanguage = (picks: Pick<PicksItem, 'language'>, options?: CatalogOptions): boolean => picks.language === undefined || picks.language === languageOf(options)

/** The stored picks' films that `hide` takes out, in stored order (dismissals are part of the version). */
function hiddenAmong(picks: Pick<PicksItem, 'top' | 'rows'>, hide: ReadonlySet<number>): number[] {
  if (hide.size === 0) return []
  const out: number[] = []
  for (const pick of picks.top) if (hide.has(pick.movie.id)) out.push(pick.movie.id)
  for (const row of picks.rows) for (const pick of row.items) if (hide.has(pick.movie.id)) out.push(pick.movie.id)
  return out
}

/** Stored picks as a reader may see them: nothing dismissed since, nothing in `hide` (listed since). */
export function visible(picks: Pick<PicksItem, 'top' | 'rows' | 'dismissed'>, hide: ReadonlySet<number>): PersonalRows {
  const dismissed = picks.dismissed ?? {}
  const shows = (pick: StoredPick) => !dismissed[String(pick.movie.id)] && !hide.has(pick.movie.id)
  return {
    top: picks.top.filter(shows),
    rows: picks.rows.map((row) => ({ seed: row.seed, items: row.items.filter(shows) })).filter((row) => row.items.length > 0),
  }
}
