import { issueMessage as m } from '../i18n/message-ref'
import { z } from 'zod'
import { PageQuerySchema } from './common'

/**
 * `page` (reads that many pages) or `cursor` (the `next_cursor` of the previous page: reads one).
 * `page` stays optional here so a route can tell whether the client asked for numbered pages.
 */
export const CursorPageQuerySchema = z.object({
  page: PageQuerySchema.shape.page.unwrap().optional(),
  cursor: z
    .string(m('validation.singleCursor'))
    .min(1, m('validation.notEmpty'))
    .max(1024, m('validation.foreignCursor'))
    .optional()
    .describe('Opaque: the next_cursor of the previous page'),
})

export const NextCursorSchema = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page')
