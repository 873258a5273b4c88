import type { DataStore, Names, TransactItem } from '../data/store'
import { notDeleted, throwIfDeleted } from '../accounts/tombstone'
import { TransactionCanceledError } from '../data/errors'
import { userPk } from '../shared/keys'
import {
  DISMISS_PREFIX,
  dismissKey,
  PICKS_TTL_SECONDS,
  picksKey,
  VIEWS_MAX,
  VIEWS_TTL_SECONDS,
  viewsKey,
  weeklyKey,
  type DismissItem,
  type PicksItem,
  type ViewsItem,
} from './keys'
import { knownPicks, PICKS_HEAD, rememberPicks, sameVersion, type PicksHead } from './picks-memo'
import { newVersion, type PicksVersionSlot } from './version'
import { retryOptimistic } from '../shared/conflict-retry'

const nowSeconds = () => Math.floor(Date.now() / 1000)

/** A recent view lost to concurrent writers this often is dropped (another tab's view is newer anyway). */
const VIEW_WRITE_ATTEMPTS = 4

/** An item whose TTL passed reads as absent (DynamoDB deletes expired items only eventually). */
const unexpired = <T extends { expires_at: number }>(item: T | undefined): T | undefined => (item && item.expires_at > nowSeconds() ? item : undefined)

/** The per-user items of recommendations: dismissals, recent views and precomputed picks. Every write is idempotent. */
export class RecommendationStore {
  constructor(
    private readonly db: DataStore,
    private readonly table: string,
    /** The picks' version mirrored on an item every signed-in request reads anyway (the profile). */
    private readonly version: PicksVersionSlot,
  ) {}

  async dismissals(userId: string): Promise<DismissItem[]> {
    return this.db.queryAll<DismissItem>(this.table, {
      keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
      values: { ':pk': userPk(userId), ':prefix': DISMISS_PREFIX },
      consistent: true,
    })
  }

  async isDismissed(userId: string, movieId: number): Promise<boolean> {
    return (await this.db.get(this.table, dismissKey(userId, movieId), { consistent: true })) !== undefined
  }

  /**
   * "Not interested": the dismissal item, and the film marked in the stored picks in the same
   * transaction, so every personal row and API answer drops it at once (before any recompute).
   */
  async dismiss(userId: string, movieId: number, at: Date): Promise<void> {
    const item: DismissItem = { ...dismissKey(userId, movieId), movie_id: movieId, dismissed_at: at.toISOString() }
    // With the account's tombstone check: a request that authenticated just before a deletion leaves nothing behind it.
    try {
      await this.db.transactWrite([{ put: { table: this.table, item } }, await notDeleted(this.table, userId)])
    } catch (error) {
      throwIfDeleted(error, 1)
      throw error
    }
    await this.markPicks(userId, movieId, true)
  }

  async undismiss(userId: string, movieId: number): Promise<void> {
    await this.db.delete(this.table, dismissKey(userId, movieId))
    await this.markPicks(userId, movieId, false)
  }

  /** Takes a film out of the stored picks at once (the user just rated it), until the next computation. */
  hide(userId: string, movieId: number): Promise<void> {
    return this.markPicks(userId, movieId, true)
  }

  private async markPicks(userId: string, movieId: number, dismissed: boolean): Promise<void> {
    const version = newVersion()
    const mark: TransactItem = {
      update: {
        table: this.table,
        key: picksKey(userId),
        // Moving computed_at forward also keeps a computation that started before this change from overwriting it.
        update: dismissed ? 'SET dismissed.#id = :yes, computed_at = :now, version = :v' : 'REMOVE dismissed.#id SET computed_at = :now, version = :v',
        condition: 'attribute_exists(dismissed)',
        names: { '#id': String(movieId) },
        values: dismissed ? { ':yes': true, ':now': Date.now(), ':v': version } : { ':now': Date.now(), ':v': version },
      },
    }
    try {
      // The new version on the picks and the profile together: every isolate's copy of the picks is stale from here on.
      await retryOptimistic(async () => (await this.db.transactWrite([mark, this.version.write(userId, version)]), true))
    } catch (error) {
      // No picks yet (nothing to hide), or none with the map, or no account: the next computation reads the dismissals anyway.
      if (!(error instanceof TransactionCanceledError && error.conditionFailed)) throw error
    }
  }

  async views(userId: string): Promise<ViewsItem | undefined> {
    return unexpired(await this.db.get<ViewsItem>(this.table, viewsKey(userId)))
  }

  /**
   * Remembers an opened film page: newest first, at most VIEWS_MAX, one per film; the item expires unless refreshed.
   * The first read is usually the copy the film page read ahead with the session (src/browse/film-page.ts, `filmPageReadPlan`),
   * taken before the page rendered: the write is conditional on the revision read, so a view another tab recorded
   * meanwhile is read again and kept, not overwritten. Views are a hint: after a few lost races this one is dropped.
   */
  async recordView(userId: string, movieId: number, at: number): Promise<void> {
    for (let attempt = 0; attempt < VIEW_WRITE_ATTEMPTS; attempt++) {
      const item = await this.db.get<ViewsItem & { rev?: string }>(this.table, viewsKey(userId), attempt > 0 ? { consistent: true } : {})
      const current = unexpired(item)
      const latest = current?.views[0]
      // Reloading the same page says nothing new: no write.
      if (latest?.id === movieId && at - latest.at < 60_000) return
      const views = [{ id: movieId, at }, ...(current?.views ?? []).filter((view) => view.id !== movieId)].slice(0, VIEWS_MAX)
      const unchanged = !item
        ? { condition: 'attribute_not_exists(pk)' }
        : item.rev
          ? { condition: '#rev = :rev', names: { '#rev': 'rev' }, values: { ':rev': item.rev } }
          : { condition: 'attribute_not_exists(#rev)', names: { '#rev': 'rev' } }
      const next = { ...viewsKey(userId), views, rev: crypto.randomUUID(), expires_at: nowSeconds() + VIEWS_TTL_SECONDS }
      if (await this.writeUnlessDeleted(userId, next, unchanged)) return
    }
  }

  /** A put beside the tombstone check (and `also`); false when a condition failed (the account is being deleted, or the put's own). */
  private async writeUnlessDeleted(
    userId: string,
    item: Record<string, unknown>,
    condition?: { condition: string; names?: Names; values?: Record<string, unknown> },
    also: TransactItem[] = [],
  ): Promise<boolean> {
    try {
      await this.db.transactWrite([{ put: { table: this.table, item, ...condition } }, await notDeleted(this.table, userId), ...also])
      return true
    } catch (error) {
      if (error instanceof TransactionCanceledError && error.conditionFailed) return false
      throw error
    }
  }

  /**
   * The stored picks. An isolate that holds the user's picks (src/recommendations/picks-memo.ts) compares their
   * version with the profile's (answered from the session's batch: no call of its own) and reuses them when equal;
   * otherwise, or for picks from before versions (then a 99-byte read of their head decides), one consistent read.
   */
  async picks(userId: string): Promise<PicksItem | undefined> {
    const known = knownPicks(userId)
    if (known?.version !== undefined) {
      if ((await this.version.read(userId)) === known.version) return unexpired(known)
    } else if (known) {
      const head = await this.db.get<PicksHead>(this.table, picksKey(userId), PICKS_HEAD)
      if (!head) {
        rememberPicks(userId, undefined)
        return undefined
      }
      const same = sameVersion(known, head)
      if (same) return unexpired(same)
    }
    // Consistent: read after a version this request saw, it is that version or a newer one.
    const item = await this.db.get<PicksItem>(this.table, picksKey(userId), { consistent: true })
    rememberPicks(userId, item)
    return unexpired(item)
  }

  /** Stores computed picks unless a computation from newer signals already did (concurrent refreshes); a new version on both items. */
  async savePicks(userId: string, picks: Pick<PicksItem, 'top' | 'rows' | 'computed_at' | 'language'>): Promise<boolean> {
    const version = newVersion()
    const item: PicksItem = { ...picksKey(userId), ...picks, dismissed: {}, expires_at: nowSeconds() + PICKS_TTL_SECONDS, version }
    const newer = { condition: 'attribute_not_exists(pk) OR computed_at <= :at', values: { ':at': picks.computed_at } }
    return retryOptimistic(() => this.writeUnlessDeleted(userId, item, newer, [this.version.write(userId, version)]))
  }

  /** When the last recommendation notification went out (ISO time), if one did in the marker's lifetime. */
  async weeklySentAt(userId: string): Promise<string | undefined> {
    return (await this.db.get<{ sent_at: string }>(this.table, weeklyKey(userId), { consistent: true }))?.sent_at
  }

  /** The week's gate, for the notification's transaction: only when no recommendation went out since `weekAgo`. */
  weeklyGate(userId: string, at: Date, weekAgo: Date): TransactItem {
    const item = { ...weeklyKey(userId), sent_at: at.toISOString(), expires_at: Math.floor(at.getTime() / 1000) + 14 * 86_400 }
    return { put: { table: this.table, item, condition: 'attribute_not_exists(pk) OR sent_at < :weekAgo', values: { ':weekAgo': weekAgo.toISOString() } } }
  }

  /** Everything of the user this feature keeps, for the export. */
  async exportUser(userId: string): Promise<{ dismissals: DismissItem[]; views: ViewsItem | undefined; picks: PicksItem | undefined }> {
    const [dismissals, views, picks] = await Promise.all([this.dismissals(userId), this.views(userId), this.picks(userId)])
    return { dismissals, views, picks }
  }

  async eraseUser(userId: string): Promise<void> {
    const dismissals = await this.dismissals(userId)
    await this.db.batchWrite(this.table, [
      ...dismissals.map((item) => ({ delete: { pk: item.pk, sk: item.sk } })),
      { delete: viewsKey(userId) },
      { delete: picksKey(userId) },
      { delete: weeklyKey(userId) },
    ])
  }
}
