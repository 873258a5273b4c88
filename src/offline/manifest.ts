import { ICONS } from '../../views/assets'
import type { Translator } from '../i18n/translator'

/** The dark theme's colours (public/assets/app.css `--bg`), also the `theme-color` meta of every page. */
export const THEME_COLOR = '#141414'

/** Screenshots for the richer install dialogue (taken with scripts/build-icons.ts --screenshots). */
const SCREENSHOTS = [
  { src: '/icons/screenshot-wide.jpg', sizes: '1280x800', type: 'image/jpeg', form_factor: 'wide' },
  { src: '/icons/screenshot-narrow.jpg', sizes: '540x1080', type: 'image/jpeg', form_factor: 'narrow' },
] as const

/** The web app manifest, in the viewer's language. */
export function webManifest(t: Translator) {
  return {
    id: '/',
    name: t('manifest.name'),
    short_name: t('brand.name'),
    description: t('manifest.description'),
    lang: t.locale,
    dir: t.dir,
    start_url: '/?source=pwa',
    scope: '/',
    display: 'standalone',
    background_color: THEME_COLOR,
    theme_color: THEME_COLOR,
    categories: ['entertainment'],
    icons: [
      { src: ICONS.icon192, sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: ICONS.icon512, sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: ICONS.maskable512, sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
    screenshots: SCREENSHOTS.map((shot) => ({ ...shot, label: t(shot.form_factor === 'wide' ? 'manifest.screenshotWide' : 'manifest.screenshotNarrow') })),
  }
}
