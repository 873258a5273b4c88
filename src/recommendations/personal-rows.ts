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
  picks.rows.slice(0, 2).forEach((row, i) => rows.push({ id: `recs-because-${i + 1}`, title: t(row.seed.watched ? 'recs.becauseYouWatched' : 'recs.becauseYouLiked', { title: row.seed.title }), picks: row.items.slice(0, ROW_CARDS).map(card) }))
  return rows
}
