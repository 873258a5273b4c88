import { createContext, useContext, type Child } from 'hono/jsx'

/**
 * The ids on the viewer's list, for the cards and buttons of one response. null: no list
 * known (cards render without a button); an empty set: anonymous or nothing listed (the
 * buttons show "add", which sends anonymous visitors to log in).
 */
export const ListedContext = createContext<ReadonlySet<number> | null>(null)

export const useListed = () => useContext(ListedContext)

/** Provides the list state to cards in a fragment (full pages get it from the Layout). */
export function WithListed({ listed, children }: { listed?: ReadonlySet<number>; children: Child }) {
  return <ListedContext.Provider value={listed ?? null}>{children}</ListedContext.Provider>
}
