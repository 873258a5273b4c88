import { Hono } from 'hono'
import { OfflinePage } from '../../views/pages/OfflinePage'
import type { AppEnv } from '../context'
import { CACHE, cached } from '../http/cache'
import { render } from '../http/render'
import { OFFLINE_PATH } from './service-worker'

/** The offline fallback page the service worker shows when a page cannot be reached. */
export const offlinePages = new Hono<AppEnv>()

offlinePages.get(OFFLINE_PATH, cached(CACHE.page), (c) => {
  // Precached once per worker version and shown to whoever is offline on this device: rendered for
  // nobody in particular (no account menu, no bell), so it never carries a viewer's name.
  c.set('user', undefined)
  c.set('unread', undefined)
  c.set('listed', undefined)
  return render(c, <OfflinePage />)
})
