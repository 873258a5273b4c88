import type { HomeSection, HomeViewer } from '../browse/home-row'
import type { Translator } from '../i18n/translator'
import type { PersonalRowData } from '../../views/components/PersonalRows'
import type { PersonalRows } from './service'
import { reasonText } from './reason-text'

/** Cards per personal row on home. */
const ROW_CARDS = 10

/** Stored picks → the rows as the page shows them, reasons in the reader's language. */
export function personalRowData(t: Translator, picks: PersonalRows): PersonalRowData[] {
  const card = (pick: PersonalRows['top'][number]) => ({ movie: pick.movie, reason: reasonText(t, pick) })
  const rows: PersonalRowData[] = [{ id: 'recs-top', title: t('recs.topPicks'), picks: picks.top.slice(0, ROW_CARDS).map(card) }]
  picks.rows.slice(0, 2).forEach((row, i) => rows.push({ id: `recs-because-${i + 1}`, title: t('recs.becauseYouLiked', { title: row.seed.title }), picks: row.items.slice(0, ROW_CARDS).map(card) }))
  return rows
}

/**
 * The home page's personal rows ("Top picks for you", "Because you liked …") for a signed-in viewer: the stored
 * picks inline (one GetItem, read beside the list), or while none are computed, rows htmx loads after the page
 * (/home/picks). Unavailable picks only leave the rows out.
 */
export async function picksRows({ services, user, listed, t, warn }: HomeViewer): Promise<HomeSection | null> {
  if (!user) return null
  const stored = await services.recommendations.stored(user.id, listed ?? new Set()).catch((error: unknown) => {
    warn('home: picks unavailable', error instanceof Error ? error.name : 'error')
    return undefined
  })
  if (stored === undefined) return null
  if (stored === null) return { card: 'pick', later: { href: '/home/picks', pageHref: '/picks' } }
  return { card: 'pick', rows: personalRowData(t, stored) }
}
