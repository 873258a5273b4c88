import { z } from 'zod'
import { RegionSchema } from '../accounts/types'

/** `?region=`: ISO 3166-1 alpha-2 (either case; answered in upper case); anything else (`usa`) is 422. */
export const RegionQuerySchema = z.object({ region: RegionSchema.optional() })
