import { notDeleted, throwIfDeleted } from '../accounts/tombstone'
import { ConditionalCheckFailedError, TransactionCanceledError } from '../data/errors'
import type { DataStore, Key } from '../data/store'
import { retryOptimistic } from '../shared/conflict-retry'
import { userPk } from '../shared/keys'
import { DOWNLOAD_PREFIX, deviceKey, downloadKey, isDeviceSk, isDownloadSk, isStateSk, stateKey, type DeviceItem, type DownloadItem, type StateItem } from './keys'

/**
 * A user's state holds at most 25 active downloads and 5 counting devices; what expired is deleted when seen. The
 * read is bounded all the same (one page): a partition an old bug filled would cost one page, never a scan.
 */
const STATE_READ_LIMIT = 300

export interface DownloadState {
  downloads: DownloadItem[]
  devices: DeviceItem[]
  /** The DOWNLOADS item's version (0 before the first create): a create's write is conditional on it. */
  version: number
}

const ignoreConditionFailure = (error: unknown) => {
  if (!(error instanceof ConditionalCheckFailedError)) throw error
}

/** The download items (src/downloads/keys.ts). Writes that create user data carry the account's tombstone check. */
export class DownloadStore {
  constructor(
    private readonly db: DataStore,
    private readonly table: string,
  ) {}

  /** Everything of the user's downloads, in one Query (strongly consistent: a create checks its limits on it). */
  async state(userId: string): Promise<DownloadState> {
    const { items } = await this.db.query<Record<string, unknown> & { sk: string }>(this.table, {
      keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
      values: { ':pk': userPk(userId), ':prefix': DOWNLOAD_PREFIX },
      consistent: true,
      limit: STATE_READ_LIMIT,
    })
    const state: DownloadState = { downloads: [], devices: [], version: 0 }
    for (const item of items) {
      if (isDownloadSk(item.sk)) state.downloads.push(item as unknown as DownloadItem)
      else if (isDeviceSk(item.sk)) state.devices.push(item as unknown as DeviceItem)
      else if (isStateSk(item.sk)) state.version = (item as unknown as StateItem).version ?? 0
    }
    return state
  }

  /**
   * Writes a download and its device's activity, if no other create wrote since `seenVersion` was read: true when
   * written, false when one did (the caller reads again and re-checks the limits). AccountDeleted once the account
   * is being erased (nothing may outlive the erasure).
   */
  async save(download: DownloadItem, device: DeviceItem, userId: string, seenVersion: number): Promise<boolean> {
    const writes = [
      await notDeleted(this.table, userId),
      {
        update: {
          table: this.table,
          key: stateKey(userId),
          update: 'SET version = :next',
          condition: seenVersion === 0 ? 'attribute_not_exists(version)' : 'version = :seen',
          values: { ':next': seenVersion + 1, ...(seenVersion === 0 ? {} : { ':seen': seenVersion }) },
        },
      },
      { put: { table: this.table, item: { ...download } } },
      { put: { table: this.table, item: { ...device } } },
    ]
    return retryOptimistic(async () => {
      try {
        await this.db.transactWrite(writes)
        return true
      } catch (error) {
        throwIfDeleted(error, 0)
        if (error instanceof TransactionCanceledError && error.conditionFailedAt(1)) return false
        throw error
      }
    })
  }

  /**
   * Moves an unexpired download's expiry to `expiresAt` and records its device's activity; the updated item, or null
   * when there is no such download or it expired (a renewal cannot revive one).
   */
  async renew(userId: string, id: string, expiresAt: number, now: Date): Promise<DownloadItem | null> {
    const current = await this.db.get<DownloadItem>(this.table, downloadKey(userId, id), { consistent: true })
    const nowSeconds = Math.floor(now.getTime() / 1000)
    if (!current || current.expires_at <= nowSeconds) return null
    const writes = [
      await notDeleted(this.table, userId),
      {
        update: {
          table: this.table,
          key: downloadKey(userId, id),
          update: 'SET expires_at = :expires',
          // The same record still (not replaced by a new POST meanwhile), still unexpired.
          condition: 'nonce = :nonce AND expires_at > :now',
          values: { ':expires': expiresAt, ':nonce': current.nonce, ':now': nowSeconds },
        },
      },
      { put: { table: this.table, item: { ...deviceItem(userId, current.device, now) } } },
    ]
    return retryOptimistic(async () => {
      try {
        await this.db.transactWrite(writes)
        return { ...current, expires_at: expiresAt }
      } catch (error) {
        throwIfDeleted(error, 0)
        if (error instanceof TransactionCanceledError && error.conditionFailedAt(1)) return null
        throw error
      }
    })
  }

  /** Idempotent. */
  async remove(userId: string, ids: string[], devices: string[] = []): Promise<void> {
    const keys = [...ids.map((id) => downloadKey(userId, id)), ...devices.map((device) => deviceKey(userId, device))]
    if (keys.length) await this.db.batchWrite(this.table, keys.map((key) => ({ delete: key })))
  }

  /** Deletes what expired, each only if it is still what was read (a download replaced or a device active again stays). */
  async prune(userId: string, downloads: DownloadItem[], devices: DeviceItem[]): Promise<void> {
    await Promise.all([
      ...downloads.map((item) =>
        this.db.delete(this.table, downloadKey(userId, item.id), { condition: 'expires_at = :seen', values: { ':seen': item.expires_at } }).catch(ignoreConditionFailure),
      ),
      ...devices.map((item) =>
        this.db.delete(this.table, deviceKey(userId, item.device), { condition: 'last_active_at = :seen', values: { ':seen': item.last_active_at } }).catch(ignoreConditionFailure),
      ),
    ])
  }

  /** The download record and another item (the video row) in one BatchGetItem, strongly consistent: a delete shows at once. */
  async withItem(userId: string, id: string, other: Key): Promise<{ download: DownloadItem | undefined; other: Record<string, unknown> | undefined }> {
    const key = downloadKey(userId, id)
    const items = await this.db.batchGet<Record<string, unknown>>(this.table, [key, other], { consistent: true })
    const download = items.find((item) => item.pk === key.pk && item.sk === key.sk) as DownloadItem | undefined
    return { download, other: items.find((item) => item.pk === other.pk && item.sk === other.sk) }
  }

  /** Every download item of the user (the account's erasure, which also sweeps the partition). */
  async eraseUser(userId: string): Promise<string[]> {
    const { downloads, devices } = await this.state(userId)
    const ids = downloads.map((item) => item.id)
    await this.remove(userId, ids, devices.map((item) => item.device))
    await this.db.delete(this.table, stateKey(userId))
    return ids
  }
}

/** A device's activity item: it counts for 30 days after `now` (and its TTL ends then). */
export const deviceItem = (userId: string, device: string, now: Date): DeviceItem => ({
  ...deviceKey(userId, device),
  entity: 'download_device',
  device,
  last_active_at: now.toISOString(),
  expires_at: Math.floor(now.getTime() / 1000) + DEVICE_ACTIVE_SECONDS,
})

/** A device with no download activity for this long stops counting against the account's five. */
export const DEVICE_ACTIVE_SECONDS = 30 * 24 * 3600
