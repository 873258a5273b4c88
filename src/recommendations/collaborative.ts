import { TransactionCanceledError } from '../data/errors'
import type { DataStore, TransactItem } from '../data/store'
import type { Subscriber } from '../events/dispatcher'
import { userPk } from '../shared/keys'
import { coOccurrenceDelta, DEFAULT_MAX_PARTNERS, DEFAULT_NEIGHBOUR_OPTIONS, neighbourList, type LikedFilm } from './item-item'
import { counterKey, neighboursKey, PARTNER_ATTRIBUTE, touchedPk, TOUCHED_TTL_SECONDS, type NeighboursItem } from './keys'
import type { ScoredId } from './types'

/**
 * Item–item collaborative filtering over this product's users, kept in the table without scans:
 * a like (list add, rating ≥ 7) or its undo changes per-film counters (`coOccurrenceDelta`, at
 * most 51 films per change), and a film's neighbour list (`neighbourList`, top 50) is rebuilt
 * from its counters right away and again by the daily cron for every film touched that day.
 */

/** USER#<id> / RECLIKED: the likes already counted into the counters (what the next change is diffed against). */
const likedKey = (userId: string) => ({ pk: userPk(userId), sk: 'RECLIKED' })
type LikedItem = { pk: string; sk: string; likes: Record<string, number>; version: number }
type CounterItem = { pk: string; sk: string; likes?: number } & Record<string, unknown>

/** At most this many partners are read to rebuild one film's list (the strongest co-likes). */
const PARTNERS_READ = 200
/** Changes reconciled per event (each its own transaction): bounded work per delivery. */
const CHANGES_PER_EVENT = 5
const LIKE_RATING = 7

export interface CollaborativeDeps {
  db: DataStore
  table: string
  /** The user's current likes: listed films and ratings ≥ 7, with when. */
  likesOf(userId: string): Promise<LikedFilm[]>
}

const day = (at: Date) => at.toISOString().slice(0, 10)
const partnerOf = (attribute: string) => (attribute.startsWith(PARTNER_ATTRIBUTE) ? Number(attribute.slice(PARTNER_ATTRIBUTE.length)) : NaN)

export class CollaborativeFilter {
  constructor(private readonly deps: CollaborativeDeps) {}

  /** Neighbour lists of the given films (one BatchGetItem): the `NeighbourLookup` data of a ranking. */
  async neighboursOf(filmIds: readonly number[]): Promise<Map<number, ScoredId[]>> {
    if (filmIds.length === 0) return new Map()
    const items = await this.deps.db.batchGet<NeighboursItem>(this.deps.table, filmIds.map(neighboursKey))
    return new Map(items.map((item) => [item.movie_id, item.neighbours.map(([id, score]) => ({ id, score }))]))
  }

  /**
   * Brings the counters in line with the user's likes: diffs what was counted (RECLIKED) against
   * the likes now, one changed film per transaction (with the RECLIKED version as its guard, so a
   * concurrent or repeated run cannot count twice). Returns the films whose counters changed.
   */
  async reconcile(userId: string): Promise<number[]> {
    const touched: number[] = []
    for (let step = 0; step < CHANGES_PER_EVENT; step++) {
      const [liked, now] = await Promise.all([
        this.deps.db.get<LikedItem>(this.deps.table, likedKey(userId), { consistent: true }),
        this.deps.likesOf(userId),
      ])
      const counted = Object.entries(liked?.likes ?? {}).map(([id, at]) => ({ id: Number(id), at }))
      const countedIds = new Set(counted.map((film) => film.id))
      const nowIds = new Set(now.map((film) => film.id))
      const added = now.find((film) => !countedIds.has(film.id))
      const removed = counted.find((film) => !nowIds.has(film.id))
      const change = added ?? removed
      if (!change) break
      const after = added ? [...counted, added] : counted.filter((film) => film.id !== change.id)
      const delta = coOccurrenceDelta(counted, after, DEFAULT_MAX_PARTNERS)
      const writes = this.counterWrites(delta)
      const version = liked?.version ?? 0
      const likes = Object.fromEntries(after.map((film) => [String(film.id), film.at]))
      writes.push({
        put: {
          table: this.deps.table,
          item: { ...likedKey(userId), likes, version: version + 1 },
          condition: 'attribute_not_exists(pk) OR version = :v',
          values: { ':v': version },
        },
      })
      try {
        await this.deps.db.transactWrite(writes)
      } catch (error) {
        if (error instanceof TransactionCanceledError && error.conditionFailed) break // another run got there first
        throw error
      }
      touched.push(change.id)
    }
    if (touched.length > 0) await this.markTouched(touched)
    return touched
  }

  /**
   * Account erasure: the user's counted likes leave the film counters (one film per transaction, guarded by the RECLIKED
   * version like `reconcile`), then the item itself. Like a deleted review leaving its film's average, a deleted
   * account's likes stop pointing others to films.
   */
  async forget(userId: string): Promise<void> {
    const touched: number[] = []
    for (;;) {
      const liked = await this.deps.db.get<LikedItem>(this.deps.table, likedKey(userId), { consistent: true })
      if (!liked) break
      const counted = Object.entries(liked.likes ?? {}).map(([id, at]) => ({ id: Number(id), at }))
      if (counted.length === 0) {
        await this.deps.db.delete(this.deps.table, likedKey(userId))
        break
      }
      const after = counted.slice(1)
      const writes = this.counterWrites(coOccurrenceDelta(counted, after, DEFAULT_MAX_PARTNERS))
      const likes = Object.fromEntries(after.map((film) => [String(film.id), film.at]))
      writes.push({ put: { table: this.deps.table, item: { ...likedKey(userId), likes, version: liked.version + 1 }, condition: 'version = :v', values: { ':v': liked.version } } })
      try {
        await this.deps.db.transactWrite(writes)
        touched.push(counted[0]!.id)
      } catch (error) {
        // A concurrent reconcile moved the version: read again and go on from there.
        if (!(error instanceof TransactionCanceledError && error.conditionFailed)) throw error
      }
    }
    if (touched.length > 0) await this.markTouched(touched)
  }

  private counterWrites(delta: ReturnType<typeof coOccurrenceDelta>): TransactItem[] {
    const byFilm = new Map<number, { likes: number; partners: Map<number, number> }>()
    const entry = (id: number) => byFilm.get(id) ?? byFilm.set(id, { likes: 0, partners: new Map() }).get(id)!
    for (const { filmId, delta: d } of delta.likeCounts) entry(filmId).likes += d
    for (const { filmId, partnerId, delta: d } of delta.pairs) entry(filmId).partners.set(partnerId, d)
    return [...byFilm].map(([filmId, { likes, partners }]) => {
      const names: Record<string, string> = {}
      const values: Record<string, number> = { ':likes': likes }
      const adds = ['likes :likes']
      let i = 0
      for (const [partnerId, d] of partners) {
        names[`#p${i}`] = `${PARTNER_ATTRIBUTE}${partnerId}`
        values[`:p${i}`] = d
        adds.push(`#p${i} :p${i}`)
        i++
      }
      return { update: { table: this.deps.table, key: counterKey(filmId), update: `ADD ${adds.join(', ')}`, names: i > 0 ? names : undefined, values } }
    })
  }

  private async markTouched(filmIds: number[]): Promise<void> {
    const at = new Date()
    const expires = Math.floor(at.getTime() / 1000) + TOUCHED_TTL_SECONDS
    await this.deps.db.batchWrite(
      this.deps.table,
      filmIds.map((id) => ({ put: { pk: touchedPk(day(at)), sk: String(id), movie_id: id, expires_at: expires } })),
    )
  }

  /** Rebuilds one film's neighbour list from its counters (two reads: its counter item, its strongest partners'). */
  async rebuild(filmId: number): Promise<number> {
    const counter = await this.deps.db.get<CounterItem>(this.deps.table, counterKey(filmId))
    const coCounts = Object.entries(counter ?? {})
      .map(([name, value]) => ({ partnerId: partnerOf(name), count: Number(value) }))
      .filter((pair) => Number.isInteger(pair.partnerId) && pair.count > 0)
      .sort((a, b) => b.count - a.count)
      .slice(0, PARTNERS_READ)
    const partners = await this.deps.db.batchGet<CounterItem>(this.deps.table, coCounts.map((pair) => counterKey(pair.partnerId)))
    const likesOf = new Map(partners.map((item) => [Number(item.pk.split('#')[1]), Number(item.likes ?? 0)]))
    const list = neighbourList(Number(counter?.likes ?? 0), coCounts, (id) => likesOf.get(id) ?? 0, DEFAULT_NEIGHBOUR_OPTIONS)
    const item: NeighboursItem = { ...neighboursKey(filmId), movie_id: filmId, neighbours: list.map(({ id, score }) => [id, Number(score.toFixed(5))]), updated_at: new Date().toISOString() }
    await this.deps.db.put(this.deps.table, item)
    return list.length
  }

  /** The daily refresh: every film touched yesterday or today (a Query per day, bounded), rebuilt. */
  async refreshTouched(now = new Date(), limit = 2000): Promise<number> {
    const days = [day(new Date(now.getTime() - 86_400_000)), day(now)]
    const ids = new Set<number>()
    for (const d of days) {
      const items = await this.deps.db.query<{ movie_id: number }>(this.deps.table, {
        keyCondition: 'pk = :pk',
        values: { ':pk': touchedPk(d) },
        limit,
      })
      for (const item of items.items) ids.add(item.movie_id)
    }
    for (const id of ids) await this.rebuild(id)
    return ids.size
  }

  /** The event handler: reconcile the event's user, then rebuild the changed films' lists. */
  handler(): Subscriber {
    return {
      name: 'recommendations',
      on: ['watchlist.added', 'watchlist.removed', 'review.posted'],
      // Every event of the user reconciles from the current state (a low rating may undo an earlier like), so order
      // does not matter; the RECLIKED version makes the counting itself idempotent, the marker skips redeliveries early.
      // Nothing reaches a user, so nothing counts as delivered.
      handle: async (event, once) => {
        if (!(await once.claim())) return { duplicate: true, delivered: 0 }
        try {
          const touched = await this.reconcile(event.user_id)
          for (const id of touched) await this.rebuild(id)
          await once.done()
          return { duplicate: false, delivered: 0 }
        } catch (error) {
          await once.release().catch(() => undefined)
          throw error
        }
      },
    }
  }
}

export const isLikeRating = (rating: number) => rating >= LIKE_RATING

