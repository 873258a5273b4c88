import { DEFAULT_LOCALE } from '../i18n/locales'
import { errors } from '../http/errors'
import type { MediaStore } from '../media/store'
import { retryOptimistic } from '../shared/conflict-retry'
import { downloadableOf, videoRowKey, type DownloadableVideo } from '../videos'
import { chosenAudio, chosenSubtitles, downloadOptions, downloadRenditions, estimate, type DownloadOptions } from './choice'
import { allowedName, downloadFiles, ladderFolder, offlineMaster, OFFLINE_MASTER } from './files'
import { forgetGrant, rememberedGrant, rememberGrant } from './grants'
import { downloadKey, type DeviceItem, type DownloadItem } from './keys'
import { limitError, MAX_DEVICES, MAX_DOWNLOADS } from './limits'
import { DEVICE_ACTIVE_SECONDS, deviceItem, type DownloadStore } from './store'
import { mintDownloadToken, newNonce, verifyDownloadToken } from './token'

export type { DownloadOptions } from './choice'

/** A download lives this long after it is made or renewed (renewed whenever the device opens it online). */
export const DOWNLOAD_TTL_SECONDS = 30 * 24 * 3600

export interface DownloadInput {
  movie_id: number
  quality: string
  /** A random id the device keeps: it only counts devices, it proves nothing. */
  device: string
}

/** The contract's 201 answer to `POST /api/v1/me/downloads`. */
export interface DownloadCreated {
  id: string
  movie_id: number
  video_id: string
  quality: string
  expires_at: string
  size: number
  /** `/media/d/<token>/<videoId>/<name>`: the offline master first, the poster last. */
  files: string[]
  audio: string[]
  subtitles: string[]
}

export interface DownloadSummary {
  id: string
  movie_id: number
  video_id: string
  quality: string
  size: number
  device: string
  created_at: string
  expires_at: string
}

export interface DeviceSummary {
  device: string
  /** Its active downloads. */
  downloads: number
  last_active_at: string
}

/** What the media route needs once a token checks out: the record and the video it belongs to. */
export interface DownloadGrant {
  download: DownloadItem
  video: DownloadableVideo
  /** Whether the token opens this name; `offline()` writes the one playlist the server makes per download. */
  allows(name: string): boolean
  isOfflineMaster(name: string): boolean
  offline(): string | null
}

export interface DownloadDeps {
  store: DownloadStore
  videos: { downloadable(movieId: number): Promise<DownloadableVideo | null> }
  media: Pick<MediaStore, 'get'> | undefined
  /** JWT_SECRET: download tokens are keyed from it under a label of their own (src/downloads/token.ts). */
  secret: string
  now?: () => number
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString()

export const toSummary = (item: DownloadItem): DownloadSummary => ({
  id: item.id,
  movie_id: item.movie_id,
  video_id: item.video_id,
  quality: item.quality,
  size: item.size,
  device: item.device,
  created_at: item.created_at,
  expires_at: iso(item.expires_at),
})

/** The same id for the same film on the same device of the same account: a new POST replaces the download. */
export async function downloadId(userId: string, device: string, movieId: number): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`download:${userId}:${device}:${movieId}`)))
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  let bits = 0
  let value = 0
  let id = ''
  for (const byte of digest.subarray(0, 15)) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) id += alphabet[(value >>> (bits -= 5)) & 31]
  }
  return id
}

/**
 * Films kept on a device (issue #38's server rules): at most MAX_DOWNLOADS active per account on at most MAX_DEVICES
 * devices, each for DOWNLOAD_TTL_SECONDS; files under a token of their own, checked against the record. Not DRM: a
 * device that keeps the bytes keeps them (docs/downloads.md).
 */
export class DownloadService {
  constructor(private readonly deps: DownloadDeps) {}

  private now(): number {
    return (this.deps.now ?? Date.now)()
  }

  /** The qualities the Download button offers, with sizes; null when the film has no ready, published video. */
  async options(movieId: number): Promise<DownloadOptions | null> {
    const video = await this.deps.videos.downloadable(movieId)
    return video ? downloadOptions(video) : null
  }

  /** 201's body. 404 video_not_found, 422 for a quality the video lacks, 409 download_limit. */
  async create(userId: string, input: DownloadInput, language: string = DEFAULT_LOCALE): Promise<DownloadCreated> {
    const video = await this.deps.videos.downloadable(input.movie_id)
    if (!video) throw errors.videoNotFound()
    const renditions = downloadRenditions(video.hls)
    const rendition = renditions.get(input.quality)
    if (!rendition) throw errors.validation([{ path: 'quality', message: { key: 'validation.downloadQuality', params: { qualities: [...renditions.keys()].join(', ') } } }])
    const [id, now] = [await downloadId(userId, input.device, input.movie_id), new Date(this.now())]
    const audio = chosenAudio(video.hls, language)
    const tracks = { rendition: rendition.playlist, audio: audio.map((track) => track.playlist), subtitles: chosenSubtitles(video.masterSubtitles, language) }
    const ladder = ladderFolder(video.hls)
    const item: DownloadItem = {
      ...downloadKey(userId, id),
      entity: 'download',
      id,
      movie_id: input.movie_id,
      video_id: video.videoId,
      quality: input.quality,
      ...tracks,
      prefixes: [tracks.rendition, ...tracks.audio].map((playlist) => `${ladder}${playlist.slice(0, playlist.lastIndexOf('/') + 1)}`),
      poster: `${ladder}${video.hls.poster}`,
      language,
      device: input.device,
      size: estimate(rendition, audio, video.hls.duration),
      created_at: now.toISOString(),
      expires_at: Math.floor(now.getTime() / 1000) + DOWNLOAD_TTL_SECONDS,
      nonce: newNonce(),
    }
    let files: string[] | null | undefined
    await retryOptimistic(async () => {
      const state = await this.deps.store.state(userId)
      checkLimits(state.downloads, state.devices, item, now)
      // Read once, and only for a download the limits allow: the playlists name every segment to fetch.
      files ??= await downloadFiles(this.deps.media, video, tracks)
      if (!files) throw errors.videoNotFound()
      return (await this.deps.store.save(item, deviceItem(userId, input.device, now), userId, state.version)) || undefined
    })
    forgetGrant(id)
    const token = await mintDownloadToken(this.deps.secret, { downloadId: id, userId, nonce: item.nonce, videoId: item.video_id })
    return {
      id,
      movie_id: item.movie_id,
      video_id: item.video_id,
      quality: item.quality,
      expires_at: iso(item.expires_at),
      size: item.size,
      files: files!.map((name) => `/media/d/${token}/${video.videoId}/${name}`),
      audio: audio.map((track) => track.lang),
      subtitles: tracks.subtitles,
    }
  }

  /** Active downloads newest first, and the devices that count, most recently active first; what expired is deleted. */
  async list(userId: string): Promise<{ results: DownloadSummary[]; devices: DeviceSummary[] }> {
    const { downloads, devices } = await this.deps.store.state(userId)
    const now = this.now()
    const active = downloads.filter((item) => isActive(item, now))
    const counting = devices.filter((device) => counts(device, now))
    if (active.length < downloads.length || counting.length < devices.length) {
      await this.deps.store.prune(userId, downloads.filter((item) => !isActive(item, now)), devices.filter((device) => !counts(device, now)))
    }
    return {
      results: active.sort((a, b) => b.created_at.localeCompare(a.created_at)).map(toSummary),
      devices: counting
        .sort((a, b) => b.last_active_at.localeCompare(a.last_active_at))
        .map((device) => ({ device: device.device, downloads: active.filter((item) => item.device === device.device).length, last_active_at: device.last_active_at })),
    }
  }

  /** Idempotent; its files stop opening at once in this isolate, within a minute elsewhere. */
  async remove(userId: string, id: string): Promise<void> {
    await this.deps.store.remove(userId, [id])
    forgetGrant(id)
  }

  /** Every download of the device, and the device itself (it no longer counts): what logout releases. */
  async removeDevice(userId: string, device: string): Promise<void> {
    const ids = (await this.deps.store.state(userId)).downloads.filter((item) => item.device === device).map((item) => item.id)
    await this.deps.store.remove(userId, ids, [device])
    ids.forEach(forgetGrant)
  }

  /** Another DOWNLOAD_TTL_SECONDS from now, and the device's activity; 404 not_found for an unknown or expired download. */
  async renew(userId: string, id: string): Promise<DownloadSummary> {
    const now = new Date(this.now())
    const renewed = await this.deps.store.renew(userId, id, Math.floor(now.getTime() / 1000) + DOWNLOAD_TTL_SECONDS, now)
    if (!renewed) throw errors.notFound()
    forgetGrant(id)
    // A download of a video deleted (or no longer ready) since is not renewed but released: the device drops its copy
    // on the 404, and it stops counting towards the account's limits.
    const video = downloadableOf((await this.deps.store.withItem(userId, id, videoRowKey(renewed.video_id))).other)
    if (!video || video.status !== 'ready') {
      await this.remove(userId, id)
      throw errors.notFound()
    }
    return toSummary(renewed)
  }

  /**
   * The media route's check (`/media/d/<token>/<videoId>/…`): the token is ours, and its record (read with the video
   * row in one call, remembered a minute per isolate) stands, unexpired, for this video, which is still ready. Null: 403.
   */
  async grant(token: string, videoId: string): Promise<DownloadGrant | null> {
    const claims = await verifyDownloadToken(this.deps.secret, token)
    if (!claims || claims.videoId !== videoId) return null
    const now = this.now()
    let checked = rememberedGrant(claims.downloadId, claims.nonce, videoId, now)
    if (!checked) {
      const read = await this.deps.store.withItem(claims.userId, claims.downloadId, videoRowKey(videoId))
      checked = { download: read.download, video: downloadableOf(read.other) }
      rememberGrant(claims.downloadId, claims.nonce, videoId, checked, now)
    }
    const { download, video } = checked
    if (!download || download.nonce !== claims.nonce || !isActive(download, now) || download.video_id !== videoId) return null
    if (!video || video.status !== 'ready') return null
    const ladder = ladderFolder(video.hls)
    return {
      download,
      video,
      allows: (name) => allowedName(download, ladder, name),
      isOfflineMaster: (name) => name === `${ladder}${OFFLINE_MASTER}`,
      offline: () => offlineMaster(download, video),
    }
  }

  /** The account's export: every stored download (expired ones too, until deleted) and device. */
  async exportUser(userId: string): Promise<{ downloads: DownloadSummary[]; devices: Pick<DeviceItem, 'device' | 'last_active_at'>[] }> {
    const { downloads, devices } = await this.deps.store.state(userId)
    return {
      downloads: downloads.map(toSummary).sort((a, b) => b.created_at.localeCompare(a.created_at)),
      devices: devices.map((device) => ({ device: device.device, last_active_at: device.last_active_at })),
    }
  }

  /** The account's erasure: every item gone, and this isolate forgets their checks at once. */
  async erase(userId: string): Promise<void> {
    ;(await this.deps.store.eraseUser(userId)).forEach(forgetGrant)
  }
}

const isActive = (item: DownloadItem, now: number) => item.expires_at * 1000 > now
const counts = (device: DeviceItem, now: number) => Date.parse(device.last_active_at) > now - DEVICE_ACTIVE_SECONDS * 1000

/**
 * 409 download_limit when `item` would be the account's 26th active download (the download it replaces does not
 * count twice) or come from a sixth device while five count.
 */
function checkLimits(downloads: DownloadItem[], devices: DeviceItem[], item: DownloadItem, now: Date): void {
  const active = downloads.filter((other) => isActive(other, now.getTime()))
  const counting = new Set(devices.filter((device) => counts(device, now.getTime())).map((device) => device.device))
  if (active.filter((other) => other.id !== item.id).length >= MAX_DOWNLOADS) throw limitError('downloads', active)
  if (!counting.has(item.device) && counting.size >= MAX_DEVICES) throw limitError('devices', active)
}
