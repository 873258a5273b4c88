import type { Movie, MovieDetails, MoviePage } from './types'
import type { TmdbDetails, TmdbMovie, TmdbPage } from './tmdb-schemas'

/** TMDB objects → the contract's shapes. Image paths become absolute URLs; a missing image stays null. */

export const CAST_LIMIT = 15
/** The crew a film page names, in this order (directors first); other jobs are left out. */
const KEY_JOBS = ['Director', 'Screenplay', 'Writer', 'Story', 'Novel', 'Original Music Composer', 'Director of Photography']
const CREW_LIMIT = 12
const SIMILAR_LIMIT = 12

export interface ImageUrls {
  /** e.g. https://image.tmdb.org/t/p (no trailing slash) */
  base: string
}

export const image = (base: string, size: string, path: string | null) =>
  path ? `${base}/${size}${path.startsWith('/') ? '' : '/'}${path}` : null

export function toMovie(movie: TmdbMovie, { base }: ImageUrls): Movie {
  return {
    id: movie.id,
    title: movie.title || movie.original_title || 'Untitled',
    overview: movie.overview,
    release_date: movie.release_date,
    poster_url: image(base, 'w500', movie.poster_path),
    backdrop_url: image(base, 'w1280', movie.backdrop_path),
    vote_average: Math.min(10, Math.max(0, movie.vote_average)),
    vote_count: movie.vote_count,
    genre_ids: movie.genre_ids,
  }
}

export function toMoviePage(page: TmdbPage, images: ImageUrls): MoviePage {
  return {
    page: page.page,
    // TMDB serves at most 500 pages of any list, whatever total_pages says.
    total_pages: Math.min(500, page.total_pages),
    total_results: page.total_results,
    results: page.results.map((movie) => toMovie(movie, images)),
  }
}

type Video = TmdbDetails['videos']['results'][number]

/** The first YouTube trailer, official ones first, then the earliest published. */
export function pickTrailer(videos: readonly Video[]): MovieDetails['trailer'] {
  const trailers = videos.filter((video) => video.site === 'YouTube' && video.type === 'Trailer' && /^[\w-]{1,64}$/.test(video.key))
  trailers.sort(
    (a, b) => Number(Boolean(b.official)) - Number(Boolean(a.official)) || (a.published_at ?? '').localeCompare(b.published_at ?? ''),
  )
  const trailer = trailers[0]
  return trailer ? { site: 'YouTube', key: trailer.key, url: `https://www.youtube.com/watch?v=${trailer.key}` } : null
}

export function toDetails(details: TmdbDetails, images: ImageUrls): MovieDetails {
  const genreIds = details.genres.map((genre) => genre.id)
  const cast = [...details.credits.cast]
    .sort((a, b) => (a.order ?? Number.MAX_SAFE_INTEGER) - (b.order ?? Number.MAX_SAFE_INTEGER))
    .slice(0, CAST_LIMIT)
  const related = [...(details.similar?.results ?? []), ...(details.recommendations?.results ?? [])]
  const seen = new Set<number>([details.id])
  const similar = related.filter((movie) => !seen.has(movie.id) && Boolean(seen.add(movie.id))).slice(0, SIMILAR_LIMIT)
  return {
    ...toMovie({ ...details, genre_ids: details.genre_ids.length ? details.genre_ids : genreIds }, images),
    runtime: details.runtime,
    genres: details.genres,
    tagline: details.tagline,
    director: details.credits.crew.find((member) => member.job === 'Director')?.name ?? null,
    cast: cast.map((member) => ({
      id: member.id,
      name: member.name,
      character: member.character,
      profile_url: image(images.base, 'w185', member.profile_path),
    })),
    crew: keyCrew(details.credits.crew),
    trailer: pickTrailer(details.videos.results),
    similar: similar.map((movie) => toMovie(movie, images)),
  }
}

/** Directors first, then writers and the other key jobs, each person and job once. */
function keyCrew(crew: TmdbDetails['credits']['crew']): MovieDetails['crew'] {
  const seen = new Set<string>()
  return crew
    .filter((member) => member.job && KEY_JOBS.includes(member.job))
    .sort((a, b) => KEY_JOBS.indexOf(a.job!) - KEY_JOBS.indexOf(b.job!))
    .filter((member) => !seen.has(`${member.id}:${member.job}`) && Boolean(seen.add(`${member.id}:${member.job}`)))
    .slice(0, CREW_LIMIT)
    .map((member) => ({ id: member.id, name: member.name, job: member.job! }))
}

/**
 * The slice of a details response worth keeping in KV (credits alone can be 60 KB): the film, its genres,
 * the top-billed cast, directors, YouTube trailers and the related films. Still a TmdbDetails input.
 */
export function trimDetails(details: TmdbDetails): unknown {
  const { credits, videos, similar, recommendations } = details
  const pageOf = (page: TmdbPage | null | undefined) => (page ? { ...page, results: page.results.slice(0, SIMILAR_LIMIT) } : null)
  return {
    id: details.id,
    title: details.title,
    original_title: details.original_title,
    overview: details.overview,
    release_date: details.release_date,
    poster_path: details.poster_path,
    backdrop_path: details.backdrop_path,
    vote_average: details.vote_average,
    vote_count: details.vote_count,
    genre_ids: details.genre_ids,
    genres: details.genres,
    runtime: details.runtime,
    tagline: details.tagline,
    credits: {
      cast: [...credits.cast]
        .sort((a, b) => (a.order ?? Number.MAX_SAFE_INTEGER) - (b.order ?? Number.MAX_SAFE_INTEGER))
        .slice(0, CAST_LIMIT),
      crew: credits.crew.filter((member) => member.job && KEY_JOBS.includes(member.job)),
    },
    videos: { results: videos.results.filter((video) => video.site === 'YouTube' && video.type === 'Trailer') },
    similar: pageOf(similar),
    recommendations: pageOf(recommendations),
  }
}
