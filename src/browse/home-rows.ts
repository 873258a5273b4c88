import type { Catalog, CatalogOptions, Movie } from '../catalog/types'
import type { Translator } from '../i18n/translator'
import type { HomeRowSource, HomeSection, HomeViewer } from './home-row'
import { continueWatchingRow } from './rows/continue-watching'
import { myListRow } from './rows/my-list'
import { picksRows } from './rows/picks'

/** A catalog list as a row of posters (all its films: the hero may be past the first ROW_SIZE; src/browse/home.ts cuts). */
const catalogRow =
  (id: string, titleKey: Parameters<Translator>[0], list: (catalog: Catalog, options: CatalogOptions) => Promise<{ results: Movie[] }>) =>
  async (viewer: HomeViewer): Promise<HomeSection> => {
    const page = await list(viewer.services.catalog, viewer.options)
    return { card: 'poster', row: { id, title: viewer.t(titleKey), movies: page.results } }
  }

/** The home page's rows, in no particular order here: `position` orders them. */
export const HOME_ROWS: readonly HomeRowSource[] = [
  { id: 'continue-watching', position: -10, shows: 'signed-in', card: 'poster', load: continueWatchingRow },
  { id: 'picks', position: 0, shows: 'signed-in', card: 'pick', load: picksRows },
  { id: 'trending', position: 10, shows: 'everyone', card: 'poster', hero: true, load: catalogRow('trending', 'home.row.trending', (c, o) => c.trending('week', o)) },
  { id: 'my-list', position: 20, shows: 'signed-in', card: 'poster', load: myListRow },
  { id: 'popular', position: 30, shows: 'everyone', card: 'poster', load: catalogRow('popular', 'home.row.popular', (c, o) => c.list('popular', o)) },
  { id: 'top-rated', position: 40, shows: 'everyone', card: 'poster', load: catalogRow('top-rated', 'home.row.topRated', (c, o) => c.list('top_rated', o)) },
  { id: 'now-playing', position: 50, shows: 'everyone', card: 'poster', load: catalogRow('now-playing', 'home.row.newReleases', (c, o) => c.list('now_playing', o)) },
]
