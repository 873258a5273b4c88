import { z } from 'zod'

/** A video's life: parts arrive (`uploading`), the transcoder waits for it, works, and leaves it `ready` or `failed`. */
export const VIDEO_STATUSES = ['uploading', 'queued', 'transcoding', 'ready', 'failed', 'deleting'] as const
export type VideoStatus = (typeof VIDEO_STATUSES)[number]

/** An operator may have this many uploads under way at once. */
export const MAX_UPLOADING_PER_OPERATOR = 3

const language = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/)

/** A video as the admin API shows it (CONTRACT.md's `Video`). */
export const VideoSchema = z.object({
  id: z.string().describe('The video id (26 characters)'),
  movie_id: z.number().int().positive(),
  label: z.string().nullable().describe('A name for operators ("Director\'s cut"); null when none'),
  license: z.string().describe('The licence the operator holds it under, e.g. "CC BY 3.0"'),
  credit: z.string().nullable(),
  published: z.boolean().describe('Unpublished videos show no Play button and mint no token'),
  size: z.number().int().positive().describe('The source file\'s size in bytes'),
  part_size: z.number().int().positive().describe('Every part but the last is exactly this many bytes'),
  parts: z.array(z.object({ n: z.number().int().positive(), size: z.number().int().nonnegative(), etag: z.string() })).describe('The parts received so far, by number'),
  status: z.enum(VIDEO_STATUSES),
  progress: z.number().min(0).max(1),
  error: z.string().nullable(),
  duration: z.number().nullable().describe('Seconds, once transcoded'),
  renditions: z.array(z.object({ height: z.number().int(), bandwidth: z.number().int() })),
  audio: z.array(language),
  subtitles: z.array(language),
  created_by: z.string().nullable().describe('The operator\'s user id; null once that account is deleted'),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
})
export type Video = z.infer<typeof VideoSchema>

export const CreateVideoSchema = z.object({
  movie_id: z.number().int().positive(),
  size: z.number().int().positive(),
  license: z.string().trim().min(1).max(200),
  credit: z.string().trim().max(300).optional(),
  label: z.string().trim().max(100).optional(),
})
export type CreateVideo = z.infer<typeof CreateVideoSchema>

export const UpdateVideoSchema = z.object({
  published: z.boolean().optional(),
  license: z.string().trim().min(1).max(200).optional(),
  credit: z.string().trim().max(300).nullable().optional(),
  label: z.string().trim().max(100).nullable().optional(),
})
export type UpdateVideo = z.infer<typeof UpdateVideoSchema>

/** Subtitle languages: a BCP-47 primary tag with an optional region. */
export const SUBTITLE_LANGUAGE = language
/** A subtitle file's largest size (SubRip or WebVTT text). */
export const MAX_SUBTITLE_BYTES = 2_000_000
/** The no-JavaScript upload form takes files up to this size (larger ones need JavaScript or the CLI). */
export const FORM_UPLOAD_LIMIT = 25 * 1024 * 1024
