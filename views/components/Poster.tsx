import { isGeneratedArt, POSTER_WIDTHS, srcsetFor } from '../format'

export interface PosterProps {
  url: string | null
  title: string
  /** Empty for posters beside a visible title (the link already names the film). */
  alt?: string
  sizes?: string
  /** The poster above the fold loads eagerly (it may be the largest paint). */
  eager?: boolean
  class?: string
}

/** A 2:3 poster that never shifts the layout; a titled placeholder when the film has no poster. */
export function Poster({ url, title, alt = '', sizes = '(min-width: 1000px) 200px, (min-width: 600px) 25vw, 38vw', eager, class: extra }: PosterProps) {
  const className = extra ? `poster ${extra}` : 'poster'
  if (!url) {
    return (
      <span class={`${className} poster-missing`} role={alt ? 'img' : undefined} aria-label={alt || undefined}>
        <span aria-hidden="true">{title}</span>
      </span>
    )
  }
  const srcset = srcsetFor(url, POSTER_WIDTHS)
  const generated = isGeneratedArt(url)
  const image = (
    <img
      class={generated ? undefined : className}
      src={url}
      srcset={srcset}
      sizes={srcset ? sizes : undefined}
      alt={alt}
      width="342"
      height="513"
      loading={eager ? 'eager' : 'lazy'}
      decoding="async"
    />
  )
  if (!generated) return image
  // The bundled catalog's gradient gets its title lettered on top, like a poster (decorative: the page names the film).
  return (
    <span class={`${className} poster-art`}>
      {image}
      <span dir="auto" aria-hidden="true">
        {title}
      </span>
    </span>
  )
}
