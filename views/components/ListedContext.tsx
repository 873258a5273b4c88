import { createContext, useContext } from 'hono/jsx'

/**
 * The ids on the viewer's list, for the cards and buttons of one response (provided by src/http/render.tsx). null: no list
 * known (cards render without a button); an empty set: anonymous or nothing listed (the
 * buttons show "add", which sends anonymous visitors to log in).
 */
export const ListedContext = createContext<ReadonlySet<number> | null>(null)

export const useListed = () => useContext(ListedContext)

/** The ids of the films the viewer watched to the end (the "Watched" marks); empty when not known or anonymous. */
export const WatchedContext = createContext<ReadonlySet<number>>(new Set())

export const useWatched = () => useContext(WatchedContext)
