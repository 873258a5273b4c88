import { issueMessage as m } from '../i18n/message-ref'
import { z } from 'zod'

export const REVIEW_TEXT_MAX = 2000

/** PUT /api/v1/movies/:id/reviews */
export const ReviewBodySchema = z.object({
  rating: z.number().int(m('validation.wholeNumber')).min(1, m('validation.between', { min: 1, max: 10 })).max(10, m('validation.between', { min: 1, max: 10 })).describe('1–10'),
  text: z.string().max(REVIEW_TEXT_MAX, m('validation.maxChars', { max: REVIEW_TEXT_MAX })).nullish().describe('Optional review text'),
})

export const ReviewSchema = z.object({
  user: z.object({ id: z.string(), display_name: z.string() }),
  rating: z.number().int().min(1).max(10),
  text: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
})

export const ReviewPageSchema = z.object({
  average: z.number().nullable().describe('Mean rating; null when nobody has rated the film'),
  count: z.number().int(),
  page: z.number().int(),
  total_pages: z.number().int(),
  results: z.array(ReviewSchema),
  next_cursor: z
    .string()
    .nullable()
    .optional()
    .describe('Pass as `cursor` for the next page (reads one page); null on the last page. Present when a next page exists or the request used `cursor`'),
})

