import type { PeopleCatalog, Person, PersonSummary } from '../people-types'
import { newestFirst, nameHasEveryWord } from '../tmdb-people'
import { filmIndex, type Film } from './data'
import { toMovie } from './details'
import { fnv1a } from '../../shared/fnv1a'

/**
 * The bundled catalog's people: its directors (the dataset names no actors). A director's id is a stable hash of
 * the name, FNV-1a folded into 1000000000–1999999999: above every bundled film id (900000000–999999999) and every
 * TMDB id, below 2^31, so it follows the film-id rules. Collisions probe upward in name order, so an id never
 * depends on which films a build holds beyond the names themselves.
 */

const FIRST_ID = 1_000_000_000
const SPAN = 1_000_000_000

interface Directors {
  idOf: ReadonlyMap<string, number>
  byId: ReadonlyMap<number, { name: string; films: readonly Film[] }>
}

/** Per film index (one per isolate): the directors' ids, worked out on first use. */
const memo = new WeakMap<readonly Film[], Directors>()

/** Every director's id and films, worked out once per isolate (≈ 550 names). */
function directorIndex(): Directors {
  const all = filmIndex().films
  const known = memo.get(all)
  if (known) return known
  const films = new Map<string, Film[]>()
  for (const film of all) if (film.director) films.set(film.director, [...(films.get(film.director) ?? []), film])
  const idOf = new Map<string, number>()
  const byId = new Map<number, { name: string; films: readonly Film[] }>()
  for (const name of [...films.keys()].sort()) {
    let id = FIRST_ID + (fnv1a(name) % SPAN)
    while (byId.has(id)) id = id + 1 >= FIRST_ID + SPAN ? FIRST_ID : id + 1
    idOf.set(name, id)
    byId.set(id, { name, films: films.get(name)! })
  }
  const directors = { idOf, byId }
  memo.set(all, directors)
  return directors
}

/** A bundled director's person id (film pages link their name to it). */
export const directorId = (name: string): number | undefined => directorIndex().idOf.get(name)

export function bundledPeople(origin: string): PeopleCatalog {
  return {
    async person(id, options): Promise<Person | null> {
      const director = directorIndex().byId.get(id)
      if (!director) return null
      const crew = director.films.map((film) => ({ ...toMovie(film, origin, options?.language), job: 'Director' })).sort(newestFirst)
      return {
        id,
        name: director.name,
        biography: '',
        birthday: null,
        deathday: null,
        place_of_birth: null,
        profile_url: null,
        known_for: 'Directing',
        imdb_id: null,
        credits: { cast: [], crew },
      }
    },
    async searchPeople(query, options): Promise<PersonSummary[]> {
      const found: { summary: PersonSummary; votes: number }[] = []
      for (const [id, director] of directorIndex().byId) {
        if (!nameHasEveryWord(director.name, query)) continue
        found.push({ summary: { id, name: director.name, profile_url: null, known_for: 'Directing' }, votes: director.films.reduce((sum, film) => sum + film.votes, 0) })
      }
      // The best-known first: the most votes over their films.
      return found.sort((a, b) => b.votes - a.votes || a.summary.id - b.summary.id).slice(0, options?.limit ?? 4).map(({ summary }) => summary)
    },
  }
}
