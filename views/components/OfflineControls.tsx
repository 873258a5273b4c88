import { useT } from './I18nContext'

/**
 * Controls of the offline layer (public/assets/offline.js). They only mean something with the service
 * worker running, so they are rendered `hidden` and shown by the script once a worker controls the
 * page: without JavaScript or without a service worker nothing on the page changes.
 */

/** "Save for offline" on a film page: a toggle kept on this device (IndexedDB), past the page cache's eviction. */
export function SaveForOffline() {
  const t = useT()
  return (
    <button type="button" class="button secondary offline-save" aria-pressed="false" data-offline-save hidden>
      <span class="icon icon-download" aria-hidden="true" />{' '}
      <span data-on={t('offline.saved')} data-off={t('offline.save')}>
        {t('offline.save')}
      </span>
    </button>
  )
}

/** On My List: a device-local switch that keeps the pages of every film on the list saved for offline reading. */
export function SaveListSwitch() {
  const t = useT()
  return (
    <label class="offline-switch" hidden>
      <input type="checkbox" data-offline-save-list /> {t('offline.saveList')}
    </label>
  )
}

/**
 * The offline banner (polite live region). Its texts travel as data attributes in the page's language,
 * so the script carries no strings of its own.
 */
export function OfflineBanner() {
  const t = useT()
  return (
    <div
      id="offline-banner"
      class="offline-banner"
      role="status"
      aria-live="polite"
      hidden
      data-offline={t('offline.banner')}
      data-online={t('offline.backOnline')}
      data-sent={t('offline.sent')}
      data-conflict={t('offline.conflict')}
      data-kept={t('offline.keptNewer')}
      data-pending={t('offline.pending')}
      data-update={t('offline.updateReady')}
      data-reload={t('offline.reload')}
      data-logout={t('downloads.logoutWarning', { count: '{count}', size: '{size}' })}
    >
      <span class="offline-text"></span>
    </div>
  )
}
