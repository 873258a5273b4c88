import { z } from 'zod'
import { MovieSchema } from '../catalog/types'
import { NOTIFICATION_TYPES } from '../notifications/store'
import { DownloadSummarySchema } from '../downloads/schemas'
import { VideoSchema } from '../videos/types'
import { ProfileSchema } from './accounts'

/**
 * GET /api/v1/me/export, section by section as each feature's AccountDataParticipant fills it, so the document
 * names every field a user gets. test/app/openapi-live.test.ts checks a live export
 * against it with every object closed: a field or section added to a participant has to be declared here.
 * Fields marked optional are absent on items stored before they existed.
 */
const when = (what: string) => z.string().describe(what)

const WatchlistEntrySchema = z.object({
  movie_id: z.number().int(),
  genre_ids: z.array(z.number().int()),
  added_at: when('When the film was added'),
  movie: MovieSchema.optional().describe('The film as it was when added (or last refreshed)'),
  snapshot_at: when('When `movie` was taken').optional(),
})

const GenreFollowSchema = z.object({
  genre_id: z.number().int(),
  listed_count: z.number().int().describe('Films on the list with this genre'),
})

const ReviewEntrySchema = z.object({
  movie_id: z.number().int(),
  display_name: z.string().describe('The name the review was shown under'),
  rating: z.number().int(),
  text: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
})

const NotificationEntrySchema = z.object({
  id: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  template: z.string().optional().describe('What it says, rendered in the reader’s language when read'),
  params: z.record(z.string(), z.unknown()).optional().describe('The template’s values (ids and numbers)'),
  title: z.string().optional().describe('Its text, on notifications stored before templates'),
  body: z.string().optional(),
  movie_id: z.number().int().nullable(),
  created_at: z.string(),
  read: z.boolean(),
  expires_at: z.number().int().describe('Epoch seconds: it is deleted after this'),
})

const NotificationMarkerSchema = z.object({
  movie_id: z.number().int().describe('A film you were told about (so you are not told twice)'),
  alerted_at: z.string().optional(),
  expires_at: z.number().int().describe('Epoch seconds: it is deleted after this'),
})

const PushSubscriptionEntrySchema = z.object({
  endpoint: z.string(),
  keys: z.object({ p256dh: z.string(), auth: z.string() }),
  created_at: z.string(),
  token_version: z.number().int().optional().describe('The sign-in generation it belongs to'),
})

const WatchProgressSchema = z.object({
  viewer: z.string(),
  movie_id: z.number().int(),
  video_id: z.string(),
  position: z.number().describe('Seconds into the video'),
  duration: z.number(),
  at: when('When the viewer was there'),
  updated_at: z.string(),
  watched_at: when('The first time the film was watched to the end').optional(),
})

export const ExportSchema = z.object({
  exported_at: z.string(),
  profile: ProfileSchema.extend({
    updated_at: z.string(),
    previous_email: z.string().optional().describe('The address before the last change, while it may still be told of it'),
  }),
  watchlist: z.array(WatchlistEntrySchema).describe('Newest first'),
  reviews: z.array(ReviewEntrySchema).describe('Newest first'),
  notifications: z.array(NotificationEntrySchema).describe('Newest first'),
  genre_follows: z.array(GenreFollowSchema),
  other: z.array(NotificationMarkerSchema).describe('Films you were notified about'),
  dismissed: z.array(z.object({ movie_id: z.number().int(), dismissed_at: z.string() })).optional().describe('"Not interested" films'),
  recent_views: z.array(z.object({ movie_id: z.number().int(), viewed_at: z.string() })).optional().describe('Film pages you opened lately'),
  recommendations: z
    .array(
      z.object({
        movie_id: z.number().int(),
        source: z.enum(['similar', 'collaborative', 'genre', 'trending']),
        because: z.object({ id: z.number().int(), title: z.string() }).nullable(),
        computed_at: z.string(),
      }),
    )
    .optional()
    .describe('Your current picks'),
  email_tokens: z
    .array(z.object({ purpose: z.enum(['reset', 'verify']), email: z.string(), created_at: z.string(), expires_at: z.string() }))
    .optional()
    .describe('Emailed links not used yet (never the token)'),
  digest_subscription: z.array(z.object({ since: z.string().nullable() })).optional().describe('Present while you get the weekly digest'),
  push_subscriptions: z.array(PushSubscriptionEntrySchema).optional().describe('Browsers registered for Web Push'),
  uploaded_videos: z.array(VideoSchema).optional().describe('Videos this account uploaded as an operator (they stay in the library when the account is deleted)'),
  watch_progress: z.array(WatchProgressSchema).optional().describe('Where you stopped in each film, newest first'),
  downloads: z.array(DownloadSummarySchema).optional().describe('Films kept on your devices (expired ones until they are cleared), newest first'),
  download_devices: z.array(z.object({ device: z.string(), last_active_at: z.string() })).optional().describe('Devices that downloaded, and when they last did'),
})
