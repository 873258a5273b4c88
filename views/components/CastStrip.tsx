import type { MovieDetails } from '../../src/catalog/types'
import { sizedImage } from '../format'
import { useT } from './I18nContext'

/** Principal cast with photos (or initials), scrolling sideways; nothing at all when the cast is unknown. */
export function CastStrip({ cast }: { cast: MovieDetails['cast'] }) {
  const t = useT()
  if (cast.length === 0) return null
  return (
    <section class="cast-section" aria-labelledby="cast-heading">
      <h2 id="cast-heading">{t('movie.cast')}</h2>
      <ul class="cast-strip" tabindex={0} aria-labelledby="cast-heading">
        {cast.slice(0, 15).map((person) => (
          <li class="cast-member">
            {/* The whole member links to their page: one tab stop, named by the visible name and character. */}
            <a class="cast-link" href={`/people/${person.id}`}>
            {person.profile_url ? (
              <img
                class="cast-photo"
                src={sizedImage(person.profile_url, 185)}
                alt=""
                width="185"
                height="278"
                loading="lazy"
                decoding="async"
              />
            ) : (
              <span class="cast-photo cast-initials" aria-hidden="true">
                {initials(person.name)}
              </span>
            )}
            <span class="cast-name">{person.name}</span>
            {person.character ? <span class="cast-character">{person.character}</span> : null}
            </a>
          </li>
        ))}
      </ul>
    </section>
  )
}

/** Up to two initials of a name, for a person without a photo. */
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part.charAt(0).toUpperCase())
    .join('')
}
