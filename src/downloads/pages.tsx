import { Hono } from 'hono'
import { DownloadControl } from '../../views/components/DownloadControl'
import { DownloadsPage } from '../../views/pages/DownloadsPage'
import { currentUser, requirePageUser } from '../auth/middleware'
import type { AppEnv } from '../context'
import { CACHE, useCache } from '../http/cache'
import { readForm } from '../http/forms'
import { navGenres } from '../http/page-helpers'
import { render } from '../http/render'
import { validate } from '../http/validate'
import { IdParamSchema } from '../schemas/common'
import { DEVICE_ID } from './schemas'


/**
 * Downloads' pages: /downloads (this device's films, filled in by the page's script; the account's devices, each
 * removable), the film page's Download control (a fragment its page loads), and removing a device.
 */
export const downloadPages = new Hono<AppEnv>()

downloadPages.get('/downloads', requirePageUser, async (c) => {
  const [list, genres] = await Promise.all([c.get('services').downloads.list(currentUser(c).id), navGenres(c)])
  // Kept by the service worker for this viewer (like My List), so /downloads opens offline too.
  useCache(c, CACHE.ownPage)
  return render(c, <DownloadsPage devices={list.devices} genres={genres} />)
})

/** The film page's Download control (members; a film with a ready video): empty for anyone else, never an error. */
downloadPages.get('/movies/:id/download', validate('param', IdParamSchema), async (c) => {
  const user = c.get('user')
  const movieId = c.req.valid('param').id
  useCache(c, CACHE.personalPage)
  const services = c.get('services')
  const [options, movie] = user ? await Promise.all([services.downloads.options(movieId), services.catalog.details(movieId, { language: c.get('locale') })]) : [null, null]
  if (!options || !movie) return c.body(null, 204)
  return render(c, <DownloadControl movieId={movieId} title={movie.title} qualities={options.qualities} />)
})

downloadPages.post('/downloads/devices/remove', requirePageUser, async (c) => {
  const device = (await readForm(c)).device ?? ''
  // Only an id browsers mint for themselves (public/assets/sw-downloads.js deviceId): anything else removes nothing.
  if (DEVICE_ID.test(device)) await c.get('services').downloads.removeDevice(currentUser(c).id, device)
  return c.redirect('/downloads', 303)
})
