import { Hono } from 'hono'
import type { AppEnv } from '../../context'
import { language, languageVary } from '../api'
import { PersonSchema } from '../people-types'
import { CACHE, cached } from '../../http/cache'
import { errors } from '../../http/errors'
import { validate } from '../../http/validate'
import { describe } from '../../openapi/metadata'
import { ErrorBodySchema, IdParamSchema } from '../../schemas/common'
import { personFor } from './service'

/** `GET /api/v1/people/:id`: a person and their filmography, cached like a film's details. */
export const peopleApi = new Hono<AppEnv>().get(
  '/people/:id',
  describe({
    summary: 'A person: biography in the requested language (else English), life dates and filmography, newest first',
    tags: ['catalog'],
    responses: {
      200: { description: 'The person', schema: PersonSchema },
      400: { description: 'Not a valid id (invalid_id)', schema: ErrorBodySchema },
      404: { description: 'No such person (not_found)', schema: ErrorBodySchema },
    },
  }),
  cached(CACHE.catalogDetails),
  validate('param', IdParamSchema),
  async (c) => {
    const { id } = c.req.valid('param')
    const found = await personFor(c.get('services').catalog, id, { language: language(c) })
    if (!found) throw errors.notFound('errors.not_found.person')
    return c.json(found.person, 200, languageVary(c))
  },
)
