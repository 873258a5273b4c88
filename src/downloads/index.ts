import type { AccountDataParticipant } from '../shared/participants'
import type { DownloadService } from './service'

export { DownloadService, type DownloadCreated, type DownloadInput, type DownloadOptions, type DownloadSummary, type DeviceSummary } from './service'
export { DownloadStore } from './store'
export { forgetAllGrants as videoChangedForDownloads } from './grants'
export type { QualityOption } from './choice'

/** Downloads and download devices in the account's export; erased with the account (and forgotten by this isolate's checks). */
export function downloadsParticipant(downloads: DownloadService): AccountDataParticipant {
  return {
    name: 'downloads',
    async export(userId) {
      const { downloads: items, devices } = await downloads.exportUser(userId)
      return { downloads: items.map((item) => ({ ...item })), download_devices: devices.map((device) => ({ ...device })) }
    },
    erase: (userId) => downloads.erase(userId),
  }
}
