import { Hono } from 'hono'
import { LiveStatus } from '../../views/components/LiveStatus'
import { currentUser, requirePageUser } from '../auth/middleware'
import type { AppEnv } from '../context'
import { CACHE, useCache } from '../http/cache'
import { wantsFragment } from '../http/page-helpers'
import { render } from '../http/render'
import { validate } from '../http/validate'
import { MovieIdParamSchema } from '../schemas/common'

/** "Remove from row" on a Continue watching card: htmx takes the card away and says so; without JavaScript, back home. */
export const progressPages = new Hono<AppEnv>()

/** "Clear watch history" on the profile page: every position and "Watched" mark, then back to the profile, saying so. */
progressPages.post('/profile/watch-history/clear', requirePageUser, async (c) => {
  const user = currentUser(c)
  await c.get('services').progress.clearHistory(user.id, user.language)
  return c.redirect('/profile?cleared=1', 303)
})

progressPages.post('/continue-watching/:movieId/remove', requirePageUser, validate('param', MovieIdParamSchema), async (c) => {
  await c.get('services').progress.remove(currentUser(c).id, c.req.valid('param').movieId)
  if (!wantsFragment(c)) return c.redirect('/', 303)
  useCache(c, CACHE.noStore)
  // The status goes out of band to the page's live region; the card itself is swapped for nothing.
  return render(c, <LiveStatus message={c.get('t')('progress.removed')} />)
})
