import type { OfferKind, Provider, ProvidersAnswer } from '../../src/where-to-watch/providers'
import { regionName } from '../format'
import { useT } from './I18nContext'

/** The groups in the order a viewer looks for them: included in a subscription, free, then paid. */
const GROUPS: readonly OfferKind[] = ['flatrate', 'free', 'ads', 'rent', 'buy']
/** Where JustWatch's attribution links (TMDB's terms: credit JustWatch wherever its data is shown). */
const JUSTWATCH_URL = 'https://www.justwatch.com'

export interface ProvidersBodyProps {
  offers: ProvidersAnswer
  /** The catalog has no provider data (bundled): say that it needs TMDB. */
  unavailable: boolean
}

/** One group (Stream, Rent…): each provider's logo beside its name as text (the logo is decoration). */
function OfferGroup({ kind, providers }: { kind: OfferKind; providers: Provider[] }) {
  const t = useT()
  const id = `providers-${kind}`
  return (
    <div class="offer-group">
      <h3 id={id}>{t(`providers.kind.${kind}`)}</h3>
      <ul class="provider-list" aria-labelledby={id}>
        {providers.map((provider) => (
          <li class="provider">
            {provider.logo_url ? <img src={provider.logo_url} alt="" width="40" height="40" loading="lazy" decoding="async" /> : <span class="provider-logo-missing" aria-hidden="true"></span>}
            <bdi>{provider.name}</bdi>
          </li>
        ))}
      </ul>
    </div>
  )
}

/**
 * What the "where to watch" section holds for one region: the groups that have offers, TMDB's page for the region,
 * and JustWatch's attribution (TMDB's terms require it wherever the data is shown). Swapped in by htmx as a whole.
 */
export function ProvidersBody({ offers, unavailable }: ProvidersBodyProps) {
  const t = useT()
  const region = regionName(offers.region, t.info.intl)
  const groups = GROUPS.filter((kind) => offers[kind].length > 0)
  if (unavailable) {
    return (
      <div id="providers-body" class="providers-body">
        <p class="muted">{t('providers.needsTmdb')}</p>
      </div>
    )
  }
  return (
    <div id="providers-body" class="providers-body" data-region={offers.region}>
      <p class="providers-region muted">{t('providers.inRegion', { region })}</p>
      {groups.length ? groups.map((kind) => <OfferGroup kind={kind} providers={offers[kind]} />) : <p>{t('providers.none', { region })}</p>}
      {offers.link ? (
        <p>
          <a href={offers.link} rel="noopener noreferrer">
            {t('providers.more')}
          </a>
        </p>
      ) : null}
      <p class="attribution providers-attribution">
        {t.rich('providers.attribution', {
          justwatch: (
            <a href={JUSTWATCH_URL} rel="noopener noreferrer">
              {t('providers.justwatch')}
            </a>
          ),
        })}
      </p>
    </div>
  )
}

/**
 * The section on the film page: the providers load by htmx right after the page (the first byte never waits on
 * TMDB), from a URL that names the region the page resolved; without JavaScript, a link to the same URL.
 */
export function WhereToWatchSlot({ movieId, region }: { movieId: number; region: string }) {
  const t = useT()
  const href = `/movies/${movieId}/providers?region=${region}`
  return (
    <section class="providers-section" id="where-to-watch" aria-labelledby="providers-heading">
      <h2 id="providers-heading">{t('providers.heading')}</h2>
      <div id="providers-body" class="providers-body" hx-get={href} hx-trigger="load" hx-swap="outerHTML">
        <p class="muted">
          <a href={href}>{t('providers.show')}</a>
        </p>
      </div>
    </section>
  )
}
