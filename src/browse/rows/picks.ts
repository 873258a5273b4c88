import type { HomeSection, HomeViewer } from '../home-row'
import { personalRowData } from '../../recommendations/personal-rows'

/**
 * The home page's personal rows ("Top picks for you", "Because you liked …") for a signed-in viewer: the stored
 * picks inline (one GetItem, read beside the list), or while none are computed, rows htmx loads after the page
 * (/home/picks). Unavailable picks only leave the rows out.
 */
export async function picksRows({ services, user, listed, t, warn }: HomeViewer): Promise<HomeSection | null> {
  if (!user) return null
  const stored = await services.recommendations.stored(user.id, listed ?? new Set(), { language: t.locale }).catch((error: unknown) => {
    warn('home: picks unavailable', error instanceof Error ? error.name : 'error')
    return undefined
  })
  if (stored === undefined) return null
  if (stored === null) return { card: 'pick', later: { href: '/home/picks', pageHref: '/picks' } }
  return { card: 'pick', rows: personalRowData(t, stored) }
}
