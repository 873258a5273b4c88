/**
 * Downloads in the single table, all in the user's partition (so the account's erasure sweeps them), all under sort
 * keys that begin with `DOWNLOAD`, so one bounded Query reads a user's whole state:
 *
 *   USER#<userId> / DOWNLOAD#<id>             a film kept on a device (what it may fetch, until when)
 *   USER#<userId> / DOWNLOADDEVICE#<device>   a device's last download activity (create or renew): it counts 30 days
 *   USER#<userId> / DOWNLOADS                 a version bumped by every create: two creates at once cannot both pass
 *                                             the limits on the same read (the second one's condition fails, it reads again)
 *
 * `expires_at` is epoch seconds, the table's TTL attribute: DynamoDB removes what expired on its own (within days);
 * the app never trusts that and checks the time itself.
 */
import { userPk } from '../shared/keys'

export const DOWNLOAD_PREFIX = 'DOWNLOAD'
const DOWNLOAD_SK = 'DOWNLOAD#'
const DEVICE_SK = 'DOWNLOADDEVICE#'
const STATE_SK = 'DOWNLOADS'

export const downloadKey = (userId: string, id: string) => ({ pk: userPk(userId), sk: `${DOWNLOAD_SK}${id}` })
export const deviceKey = (userId: string, device: string) => ({ pk: userPk(userId), sk: `${DEVICE_SK}${device}` })
export const stateKey = (userId: string) => ({ pk: userPk(userId), sk: STATE_SK })

export const isDownloadSk = (sk: string) => sk.startsWith(DOWNLOAD_SK)
export const isDeviceSk = (sk: string) => sk.startsWith(DEVICE_SK)
export const isStateSk = (sk: string) => sk === STATE_SK

/** One download: a film, one rendition, some audio and subtitle tracks, on one device. */
export interface DownloadItem {
  pk: string
  sk: string
  entity: 'download'
  id: string
  movie_id: number
  video_id: string
  /** '480p': the rendition's folder (`v480/`). */
  quality: string
  /** Relative to the ladder folder: the rendition's media playlist and each chosen audio rendition's. */
  rendition: string
  audio: string[]
  /** Subtitle languages chosen (keys of the video's master_subtitles). */
  subtitles: string[]
  /** Names (relative to the video's folder) whose files the token opens: `v1/v480/`, `v1/a0/`; the poster by its whole name. */
  prefixes: string[]
  poster: string
  /** The viewer's language when it was made: the offline master's track names ("Original audio"). */
  language: string
  device: string
  /** Estimated bytes. */
  size: number
  created_at: string
  /** Epoch seconds (TTL). */
  expires_at: number
  /** In the token: a new POST for the same film on the same device mints a new one, and the old token stops working. */
  nonce: string
}

export interface DeviceItem {
  pk: string
  sk: string
  entity: 'download_device'
  device: string
  last_active_at: string
  /** Epoch seconds (TTL): 30 days after the last activity, when the device stops counting anyway. */
  expires_at: number
}

export interface StateItem {
  pk: string
  sk: string
  version: number
}
