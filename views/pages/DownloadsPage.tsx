import { ASSETS } from '../assets'
import { Layout, type LayoutProps } from '../Layout'
import { DownloadTexts } from '../components/DownloadControl'
import { useT } from '../components/I18nContext'

/** A device of the account that keeps downloads (the server counts devices by a random id the browser keeps). */
export interface DeviceView {
  device: string
  downloads: number
  last_active_at: string
}

export interface DownloadsPageProps extends Omit<LayoutProps, 'title' | 'children'> {
  devices: readonly DeviceView[]
}

/**
 * /downloads: the films kept on this device (filled in by public/assets/downloads.js from the service worker: only
 * the device knows them) with size, quality, expiry, progress and delete; the space they use; and the account's
 * devices, each removable with a plain form (its downloads are released and stop playing there when next online).
 */
export function DownloadsPage({ devices, ...layout }: DownloadsPageProps) {
  const t = useT()
  return (
    <Layout {...layout} title={t('downloads.title')} description={t('downloads.description')}>
      <section class="page downloads-page" aria-labelledby="downloads-heading">
        <h1 id="downloads-heading" class="page-title">
          {t('downloads.title')}
        </h1>
        <p class="muted" data-downloads-needs-js>
          {t('downloads.needsJs')}
        </p>
        <section class="downloads-device" aria-labelledby="downloads-device-heading" data-downloads-page hidden>
          <DownloadTexts />
          <h2 id="downloads-device-heading">{t('downloads.onDevice')}</h2>
          <p class="muted" data-downloads-space></p>
          <ul class="downloads-list" data-downloads-list></ul>
          <p data-downloads-empty hidden>
            {t('downloads.none')}
          </p>
        </section>
        <section class="downloads-devices" aria-labelledby="devices-heading">
          <h2 id="devices-heading">{t('downloads.devices')}</h2>
          {devices.length ? (
            <ul class="devices-list">
              {devices.map((d) => {
                const name = t('downloads.deviceName', { name: d.device.slice(0, 4).toUpperCase() })
                return (
                  <li class="device-item" data-device={d.device}>
                    <span class="device-name" data-device-name>
                      {name}
                    </span>{' '}
                    <span class="muted">{t('downloads.deviceFacts', { count: t.number(d.downloads), date: t.dateTime(d.last_active_at) ?? d.last_active_at })}</span>
                    <form method="post" action="/downloads/devices/remove" class="inline-form">
                      <input type="hidden" name="device" value={d.device} />
                      <button type="submit" class="button ghost small" aria-label={t('downloads.removeDeviceLabel', { name })}>
                        {t('downloads.removeDevice')}
                      </button>
                    </form>
                  </li>
                )
              })}
            </ul>
          ) : (
            <p class="muted">{t('downloads.noDevices')}</p>
          )}
          <p class="muted small">{t('downloads.rules')}</p>
        </section>
      </section>
      <script src={ASSETS.downloads} defer></script>
    </Layout>
  )
}
