import { z } from 'zod'

export const REVIEW_TEXT_MAX = 2000

/** PUT /api/v1/movies/:id/reviews */
export const ReviewBodySchema = z.object({
  rating: z.number().int('must be a whole number').min(1, 'must be between 1 and 10').max(10, 'must be between 1 and 10').describe('1–10'),
  text: z.string().max(REVIEW_TEXT_MAX, `must be at most ${REVIEW_TEXT_MAX} characters`).nullish().describe('Optional review text'),
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

