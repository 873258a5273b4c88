import { createContext, useContext } from 'hono/jsx'

/**
 * Who is looking, for the page shell (account menu, bell, footer attribution). Provided once per
 * response by the page renderer (src/http/render.tsx), so routes never pass layout props by hand.
 */
export interface Viewer {
  /** The signed-in user; absent for a visitor. */
  user?: { display_name: string }
  /** Unread notifications, for the bell (full page loads of signed-in users). */
  unread?: number
  /** Where the page's films come from, when it shows films: decides the footer's attribution. */
  source?: 'tmdb' | 'bundled'
  /** "Where to watch"'s region for this viewer (src/where-to-watch/request.ts): the region menu's choice. */
  region?: string
  /** The regions the region menu offers. */
  regions?: readonly string[]
}

export const PageContext = createContext<Viewer>({})

export const useViewer = () => useContext(PageContext)
