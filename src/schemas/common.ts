import { z } from 'zod'

/** A film or other numeric id: a positive integer below 2^31, written in plain digits. */
export const IdSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, 'must be a positive integer')
  .transform(Number)
  .refine((n) => n < 2 ** 31, 'must be below 2^31')

/** Path parameters: `/movies/:id`, `/genres/:id`, `/watchlist/:movieId`. */
export const IdParamSchema = z.object({ id: IdSchema })
export const MovieIdParamSchema = z.object({ movieId: IdSchema })

/** Plain digits only: `1e2`, `0x10`, `+5` or a repeated `page` are mistakes to report, not pages to guess. */
export const PageQuerySchema = z.object({
  page: z
    .string('must be a single whole number')
    .regex(/^[0-9]{1,4}$/, 'must be a whole number from 1 to 500')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(500, 'must be at most 500'))
    .default(1)
    .describe('Page number, 1–500'),
})

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      request_id: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })

export const LivenessSchema = z.object({ status: z.literal('ok') })

const CheckState = z.enum(['ok', 'unavailable'])
export const HealthSchema = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.object({ dynamodb: CheckState }) })
