import { regionOptions } from '../format'
import { useT } from './I18nContext'
import { useViewer } from './PageContext'

/**
 * The region menu beside the language menu: a plain form posting to /region (sets the `region` cookie "where to
 * watch" reads). Regions are named in the page's language and sorted by that name; the viewer's current region is
 * selected (and listed even when it is not among the common ones).
 */
export function RegionMenu() {
  const t = useT()
  const { region: current, regions = [] } = useViewer()
  if (!current) return null
  const options = regionOptions(regions.includes(current) ? regions : [...regions, current], t.info.intl)
  return (
    <form class="language-menu region-menu" action="/region" method="post">
      <label for="region-select">{t('regionMenu.label')}</label>
      <select id="region-select" name="region">
        {options.map((option) => (
          <option value={option.code} selected={option.code === current}>
            {option.name}
          </option>
        ))}
      </select>
      <button type="submit" class="button">
        {t('regionMenu.submit')}
      </button>
    </form>
  )
}

/** The profile's region field: "Automatic" (none: the menu, the location or the browser decide) or one region. */
export function RegionSelect({ value, regions, error }: { value: string | null | undefined; regions: readonly string[]; error?: string | undefined }) {
  const t = useT()
  const options = regionOptions(regions, t.info.intl)
  const describedBy = ['field-region-hint', error ? 'field-region-error' : ''].filter(Boolean).join(' ')
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <label for="field-region">{t('profile.region.label')}</label>
      <select id="field-region" name="region" aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy}>
        <option value="" selected={!value}>
          {t('profile.region.auto')}
        </option>
        {options.map((option) => (
          <option value={option.code} selected={option.code === value}>
            {option.name}
          </option>
        ))}
      </select>
      <p class="field-hint" id="field-region-hint">
        {t('profile.region.hint')}
      </p>
      {error ? (
        <p class="field-error" id="field-region-error">
          {error}
        </p>
      ) : null}
    </div>
  )
}
