import type { MovieDetails } from '../../src/catalog/types'
import { BACKDROP_WIDTHS, srcsetFor } from '../format'
import { useT } from './I18nContext'

/** The privacy-enhanced YouTube embed URL; only loaded after a click. */
export function embedUrl(key: string): string {
  return `https://www.youtube-nocookie.com/embed/${encodeURIComponent(key)}?autoplay=1`
}

/** The player that replaces the facade once the viewer asks for it. */
export function TrailerEmbed({ movie }: { movie: Pick<MovieDetails, 'title' | 'trailer'> }) {
  const t = useT()
  if (!movie.trailer) return null
  return (
    <iframe
      class="trailer-frame"
      src={embedUrl(movie.trailer.key)}
      title={t('trailer.frameTitle', { title: movie.title })}
      width="1280"
      height="720"
      allow="autoplay; encrypted-media; picture-in-picture; fullscreen"
      allowfullscreen
      referrerpolicy="strict-origin-when-cross-origin"
    ></iframe>
  )
}

/**
 * Click-to-play facade: nothing from YouTube loads until the click. Without
 * JavaScript it is a link to the trailer on YouTube; with htmx the click fetches
 * the privacy-enhanced embed and swaps it in place.
 */
export function TrailerFacade({ movie }: { movie: MovieDetails }) {
  const t = useT()
  const trailer = movie.trailer
  if (!trailer) return null
  const isYouTube = trailer.site.toLowerCase() === 'youtube'
  const image = movie.backdrop_url
  const srcset = srcsetFor(image, BACKDROP_WIDTHS)
  return (
    <section class="trailer-section" aria-labelledby="trailer-heading">
      <h2 id="trailer-heading">{t('trailer.heading')}</h2>
      <div class="trailer" id="trailer">
        <a
          class="trailer-facade"
          href={trailer.url}
          rel="noopener noreferrer"
          hx-get={isYouTube ? `/movies/${movie.id}/trailer` : undefined}
          hx-target="#trailer"
          hx-swap="innerHTML"
        >
          {image ? (
            <img
              src={image}
              srcset={srcset}
              sizes={srcset ? '(min-width: 1000px) 900px, 100vw' : undefined}
              alt=""
              width="1280"
              height="720"
              loading="lazy"
              decoding="async"
            />
          ) : null}
          <span class="play" aria-hidden="true">
            ▶
          </span>
          <span class="trailer-label">{t('trailer.play', { title: movie.title })}</span>
        </a>
      </div>
    </section>
  )
}
