import { BACKDROP_WIDTHS, isGeneratedArt, srcsetFor } from '../format'

/** A full-width 16:9 backdrop above the fold (hero and details): decorative, responsive, loaded first. */
export function Backdrop({ url, class: extraClass }: { url: string; class?: string }) {
  const srcset = srcsetFor(url, BACKDROP_WIDTHS)
  const classes = [extraClass, isGeneratedArt(url) ? 'generated' : undefined].filter(Boolean).join(' ')
  return (
    <img
      class={classes || undefined}
      src={url}
      srcset={srcset}
      sizes={srcset ? '100vw' : undefined}
      alt=""
      width="1280"
      height="720"
      fetchpriority="high"
      decoding="async"
    />
  )
}
