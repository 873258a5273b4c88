import type { Translator } from '../i18n/translator'
import type { StoredPick } from '../recommendations'

/** A pick's reason as a sentence in the reader's language (the core and the store keep codes, never English). */
export function reasonText(t: Translator, pick: StoredPick): string {
  const title = String(pick.reason.params.title ?? pick.because?.title ?? '')
  switch (pick.reason.code) {
    case 'similar_to':
      return t('recs.reason.similar_to', { title })
    case 'because_watched':
      return t('recs.reason.because_watched', { title })
    case 'liked_by_fans_of':
      return t('recs.reason.liked_by_fans_of', { title })
    case 'trending_in_genre':
      return pick.genre ? t('recs.reason.trending_in_genre', { genre: pick.genre }) : t('recs.reason.trending')
    case 'trending':
      return t('recs.reason.trending')
  }
}
