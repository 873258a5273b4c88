import { z } from 'zod'
import { issueMessage as m } from '../i18n/message-ref'

/** A device id as the browser makes it (random, kept in IndexedDB): only counted, never trusted. */
export const DEVICE_ID = /^[A-Za-z0-9_-]{16,64}$/
/** Download ids are 24 characters of lower-case base32 (src/downloads/service.ts's downloadId). */
export const DOWNLOAD_ID = /^[a-z2-7]{24}$/

const device = z.string().regex(DEVICE_ID, m('validation.downloadDevice')).describe('A random id the device keeps (16–64 of A–Z a–z 0–9 _ -): only used to count devices')
const when = (what: string) => z.iso.datetime().describe(what)

export const CreateDownloadSchema = z.object({
  movie_id: z.number().int().positive().max(2 ** 31 - 1),
  quality: z.string().min(1).max(16).describe('One the film’s video offers, e.g. "480p" (the Download button lists them)'),
  device,
})

export const DownloadIdParamSchema = z.object({ id: z.string().regex(DOWNLOAD_ID) })
export const DeviceQuerySchema = z.object({ device })

export const DownloadCreatedSchema = z.object({
  id: z.string().describe('The same for the same film on the same device: a new POST replaces the download'),
  movie_id: z.number().int(),
  video_id: z.string(),
  quality: z.string(),
  expires_at: when('When its files stop opening unless renewed (30 days)'),
  size: z.number().int().describe('Estimated bytes of every file'),
  files: z
    .array(z.string())
    .describe('Every file to fetch, as /media/d/<token>/<video>/<name> URLs: the offline master playlist first, then the playlists with their segments, subtitles, and the poster last'),
  audio: z.array(z.string()).describe('Audio languages kept: the original and the viewer’s'),
  subtitles: z.array(z.string()).describe('Subtitle languages kept: the viewer’s and English, where the film has them'),
})

export const DownloadSummarySchema = z.object({
  id: z.string(),
  movie_id: z.number().int(),
  video_id: z.string(),
  quality: z.string(),
  size: z.number().int(),
  device: z.string(),
  created_at: when('When it was made (or made again)'),
  expires_at: when('When it expires unless renewed'),
})

export const DownloadListSchema = z.object({
  results: z.array(DownloadSummarySchema).describe('Active downloads, newest first'),
  devices: z
    .array(z.object({ device: z.string(), downloads: z.number().int().describe('Its active downloads'), last_active_at: when('Its last download or renewal') }))
    .describe('Devices that count against the five (download activity in the last 30 days), most recent first'),
})
