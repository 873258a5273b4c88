import { ASSETS } from '../assets'
import { Layout } from '../Layout'
import { useT } from '../components/I18nContext'

/**
 * What the service worker shows for a page it has no copy of while the network is down. It is
 * precached with the shell, so it is rendered for nobody in particular; the list of pages saved on
 * this device is filled in by public/assets/offline.js from the worker's caches.
 */
export function OfflinePage() {
  const t = useT()
  return (
    <Layout title={t('offline.title')} description={t('offline.description')}>
      <section class="page offline-page" aria-labelledby="offline-heading">
        <h1 id="offline-heading" class="page-title">
          {t('offline.title')}
        </h1>
        <p>{t('offline.description')}</p>
        <section aria-labelledby="offline-downloads-heading" hidden>
          <h2 id="offline-downloads-heading">{t('downloads.offlineHeading')}</h2>
          <ul class="offline-saved" data-offline-downloads></ul>
        </section>
        <h2 id="offline-saved-heading">{t('offline.savedPages')}</h2>
        <ul id="offline-saved" class="offline-saved" aria-labelledby="offline-saved-heading" data-empty={t('offline.noneSaved')}></ul>
        <p>
          <a class="button primary" href="/">
            {t('offline.tryAgain')}
          </a>
        </p>
      </section>
      <script src={ASSETS.downloads} defer></script>
    </Layout>
  )
}
