/** What a home row is (src/browse/home-rows.ts holds the registry): the types a feature's row module needs. */
import type { CatalogOptions, Movie } from '../catalog/types'
import type { SessionUser } from '../context'
import type { Translator } from '../i18n/translator'
import type { Services } from '../services'
import type { PersonalRowData } from '../../views/components/PersonalRows'

/** Posters per row: enough to scroll on a wide screen while keeping the home page small. */
export const ROW_SIZE = 10

/** Where a viewer stopped in a film: seconds, and the fraction of the film. */
export interface Watching {
  position: number
  fraction: number
}

/** One row of posters on the home page. */
export interface HomeRow {
  id: string
  title: string
  movies: Movie[]
  moreHref?: string
  /** Continue watching: where the viewer stopped in each film (by id); its cards show how much and "Remove from row". */
  watching?: Record<number, Watching>
}

/** What a home row loads into: a row of poster cards, personal rows of pick cards, or pick rows computed later (htmx). */
export type HomeSection =
  | { card: 'poster'; row: HomeRow }
  | { card: 'pick'; rows: PersonalRowData[] }
  | { card: 'pick'; later: { href: string; pageHref: string } }

/** Who is looking, and the request's ports: what a row needs to load itself. */
export interface HomeViewer {
  /** The request's services: a row reads what it shows through them. */
  readonly services: Services
  /** The signed-in viewer; absent for a visitor (whose page is shared by the page cache: nothing personal). */
  readonly user?: SessionUser
  /** Ids on the viewer's list (src/watchlist/middleware.ts), when known. */
  readonly listed?: ReadonlySet<number>
  readonly options: CatalogOptions
  readonly t: Translator
  /**
   * Logs what a row left out. A row that can do without its data catches and returns null (the picks do); one that
   * throws fails the page, as the catalog's rows do (the error page says the catalog is unavailable).
   */
  readonly warn: (message: string, error: unknown) => void
}

/**
 * One row of the home page: its id, when it shows, how it loads, which card it shows and where it stands.
 * A new row is a module (src/browse/rows/, its `load`) and one line in HOME_ROWS (src/browse/home-rows.ts).
 */
export interface HomeRowSource {
  readonly id: string
  /** Lower first. Genre rows follow every registered row. */
  readonly position: number
  /** `signed-in` rows never load for a visitor, so the shared anonymous page holds nothing personal. */
  readonly shows: 'everyone' | 'signed-in'
  readonly card: HomeSection['card']
  /** The first film with a backdrop of this row is the page's hero. */
  readonly hero?: boolean
  /** The section, or null to leave the row out (empty, or unavailable). */
  load(viewer: HomeViewer): Promise<HomeSection | null>
}
