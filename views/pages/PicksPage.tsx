import type { Genre } from '../../src/catalog/types'
import { Layout } from '../Layout'
import { useT } from '../components/I18nContext'
import { PersonalRows, type PersonalRowData } from '../components/PersonalRows'

/** The personal rows on a page of their own: the no-JavaScript way to picks that were not computed yet. */
export function PicksPage({ rows, genres }: { rows: PersonalRowData[]; genres?: Genre[] }) {
  const t = useT()
  const empty = rows.every((row) => row.picks.length === 0)
  return (
    <Layout title={t('recs.picksTitle')} description={t('recs.picksDescription')} genres={genres}>
      <h1 class="page-title">{t('recs.picksTitle')}</h1>
      {empty ? <p class="muted">{t('recs.empty')}</p> : <PersonalRows rows={rows} />}
      <p>
        <a href="/welcome/picks">{t('recs.onboarding.link')}</a>
      </p>
    </Layout>
  )
}
