import type { Context } from 'hono'
import type { AppEnv } from '../context'

export { wantsFragment } from './htmx'

/** The catalog options of the viewer: the page's language (signed-in user's, then cookie, then Accept-Language). */
export function catalogOptions(c: Context<AppEnv>, page?: number) {
  const language = c.get('locale')
  return { ...(page ? { page } : {}), ...(language ? { language } : {}) }
}

/** The next page's URL while there is one (TMDB stops at page 500). */
export function nextPageHref(path: string, params: Record<string, string>, page: number, totalPages: number): string | undefined {
  if (page >= Math.min(totalPages, 500)) return undefined
  const query = new URLSearchParams({ ...params, page: String(page + 1) })
  return `${path}?${query.toString()}`
}

/**
 * The header's Genres menu for pages that show no catalog of their own (My List, notifications), so the
 * navigation is the same on every page. A catalog hiccup only hides the menu; it never fails the page.
 */
export async function navGenres(c: Context<AppEnv>) {
  return c.get('services').catalog.genres(catalogOptions(c)).catch(() => [])
}
