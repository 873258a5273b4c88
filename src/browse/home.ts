import type { Catalog, CatalogOptions, Genre, Movie } from '../catalog/types'
import { ROW_SIZE, type HomeRow, type HomeRowSource, type HomeSection, type HomeViewer } from './home-row'
import { HOME_ROWS } from './home-rows'

/** Genre rows rendered with the page; the rest load as the visitor scrolls. */
export const FIRST_GENRE_ROWS = 2
export const LAZY_BATCH = 3

export interface HomeModel {
  featured: Movie | null
  /** The featured film has a ready, published video: the hero offers Play. */
  featuredPlayable: boolean
  /** Where the viewer stopped in the featured film (from Continue watching): the hero offers Resume. */
  featuredResumeAt?: number
  /** The ready-video map was not read in time: the page must not be shared. */
  provisional: boolean
  /** The registered rows that loaded (src/browse/home-rows.ts), then the first genre rows. */
  sections: HomeSection[]
  /** Every genre (the navigation menu). */
  genres: Genre[]
  /** Genre rows still to load as the visitor scrolls, and where the next batch comes from. */
  lazyGenres: Genre[]
  lazyHref?: string
}

/**
 * Genres in the order a streaming home page shows them, by TMDB genre id so every language gets the
 * same order (names are translated): Action, Comedy, Drama, Thriller, Science Fiction, Adventure,
 * Animation, Horror, Romance, Crime. Any others follow in catalog order.
 */
const PREFERRED = [28, 35, 18, 53, 878, 12, 16, 27, 10749, 80]

export function orderGenres(genres: Genre[]): Genre[] {
  const rank = (g: Genre) => {
    const i = PREFERRED.indexOf(g.id)
    return i === -1 ? PREFERRED.length : i
  }
  return [...genres].sort((a, b) => rank(a) - rank(b))
}

export async function genreRows(catalog: Catalog, genres: Genre[], options: CatalogOptions): Promise<HomeRow[]> {
  const pages = await Promise.all(genres.map((g) => catalog.byGenre(g.id, options)))
  return genres.map((g, i) => ({
    id: `genre-${g.id}`,
    title: g.name,
    movies: (pages[i]?.results ?? []).slice(0, ROW_SIZE),
    moreHref: `/genres/${g.id}`,
  }))
}

/**
 * The home page: the rows of HOME_ROWS this viewer sees, in their positions, all loaded at once; the hero (the
 * first film with a backdrop of the hero row); then genre rows (FIRST_GENRE_ROWS now, the rest lazily).
 */
export async function homeModel(viewer: HomeViewer, rows: readonly HomeRowSource[] = HOME_ROWS): Promise<HomeModel> {
  const { catalog } = viewer.services
  const shown = rows.filter((row) => row.shows === 'everyone' || viewer.user).sort((a, b) => a.position - b.position)
  const [loaded, allGenres] = await Promise.all([Promise.all(shown.map((row) => row.load(viewer))), catalog.genres(viewer.options)])
  const heroRow = loaded.find((section, i) => shown[i]!.hero && section?.card === 'poster')
  const heroFilms = heroRow && 'row' in heroRow ? heroRow.row.movies : []
  const genres = orderGenres(allGenres)
  const featured = heroFilms.find((m) => m.backdrop_url) ?? heroFilms[0] ?? null
  // The hero's video (the ready-video map, within its own deadline) beside the first genre rows, not after them.
  const [firstGenres, video] = await Promise.all([
    genreRows(catalog, genres.slice(0, FIRST_GENRE_ROWS), viewer.options),
    featured ? viewer.services.videos.filmVideo(featured.id).catch(() => ({ video: null, provisional: true })) : { video: null, provisional: false },
  ])
  const sections = loaded.filter((section): section is HomeSection => section !== null)
  // The Continue watching row already says where the viewer stopped in each of its films: no read of its own.
  const stopped = featured ? sections.flatMap((section) => ('row' in section && section.row.watching?.[featured.id] ? [section.row.watching[featured.id]!.position] : []))[0] : undefined
  return {
    featured,
    featuredPlayable: video.video !== null,
    ...(video.video !== null && stopped ? { featuredResumeAt: stopped } : {}),
    provisional: video.provisional,
    sections: [
      ...sections.map((section) => ('row' in section ? { ...section, row: { ...section.row, movies: section.row.movies.slice(0, ROW_SIZE) } } : section)),
      ...firstGenres.map((row): HomeSection => ({ card: 'poster', row })),
    ],
    genres: allGenres,
    lazyGenres: genres.slice(FIRST_GENRE_ROWS),
    lazyHref: genres.length > FIRST_GENRE_ROWS ? `/home/rows?from=${FIRST_GENRE_ROWS}` : undefined,
  }
}
