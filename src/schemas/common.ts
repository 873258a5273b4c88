import { issueMessage as m } from '../i18n/message-ref'
import { z } from 'zod'

/** A film or other numeric id: a positive integer below 2^31, written in plain digits. */
export const IdSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, m('validation.positiveInteger'))
  .transform(Number)
  .refine((n) => n < 2 ** 31, m('validation.below2to31'))

/** Path parameters: `/movies/:id`, `/genres/:id`, `/watchlist/:movieId`. */
export const IdParamSchema = z.object({ id: IdSchema })
export const MovieIdParamSchema = z.object({ movieId: IdSchema })

/** Plain digits only: `1e2`, `0x10`, `+5` or a repeated `page` are mistakes to report, not pages to guess. */
export const PageQuerySchema = z.object({
  page: z
    .string(m('validation.singleWholeNumber'))
    .regex(/^[0-9]{1,4}$/, m('validation.wholeNumberRange', { min: 1, max: 500 }))
    .transform(Number)
    .pipe(z.number().int().min(1, m('validation.atLeast', { min: 1 })).max(500, m('validation.atMost', { max: 500 })))
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
