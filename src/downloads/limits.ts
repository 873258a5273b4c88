import { errors } from '../http/errors'
import type { DownloadItem } from './keys'

/** Active downloads an account may hold, and devices that may hold them (issue #38, like a streaming plan's). */
export const MAX_DOWNLOADS = 25
export const MAX_DEVICES = 5

/** Device ids are random and long; six characters tell a user's few devices apart in a message. */
const shortDevice = (device: string) => device.slice(0, 6)

/** 409 download_limit, listing every active download (what the user may free), newest first. */
export function limitError(kind: 'downloads' | 'devices', active: DownloadItem[]) {
  const details = [...active]
    .sort((a, b) => b.created_at.localeCompare(a.created_at))
    .map((item) => ({
      path: `downloads.${item.id}`,
      message: { key: 'downloads.limitDetail' as const, params: { movie: item.movie_id, quality: item.quality, device: shortDevice(item.device) } },
    }))
  return kind === 'downloads' ? errors.downloadLimit('errors.download_limit.downloads', MAX_DOWNLOADS, details) : errors.downloadLimit('errors.download_limit.devices', MAX_DEVICES, details)
}
