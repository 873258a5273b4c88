import type { Context } from 'hono'

/**
 * htmx asked for a fragment. A history-restore request (the page was not in
 * htmx's cache after Back) wants the full page, as does any plain navigation.
 */
export function wantsFragment(c: Context): boolean {
  return c.req.header('HX-Request') === 'true' && c.req.header('HX-History-Restore-Request') !== 'true'
}
