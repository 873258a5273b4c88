import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The fake TMDB's people (test/support/fake-tmdb.ts routes here): `person/{id}` (with `append_to_response=movie_credits`),
 * `person/{id}/movie_credits` and `search/person`, from test/fixtures/tmdb/person-*.json (Tom Hanks is the spec's
 * example; Audrey Tautou has no photo or biography; 柊瑠美 a non-Latin name) and search-people.json.
 */

const FIXTURES = fileURLToPath(new URL('../fixtures/tmdb/', import.meta.url))
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8')) as Record<string, unknown>

/**
 * Like TMDB, a person is answered in `language`: a `person-<id>.<language>.json` overlay holds the translation, and
 * without one a language other than English gets an empty biography (TMDB does not fall back to English itself).
 */
function person(id: string, query: URLSearchParams): Record<string, unknown> {
  const language = query.get('language') ?? 'en-US'
  const overlay = `person-${id}.${language}.json`
  const translated = /^[a-z]{2}-[A-Z]{2}$/.test(language) && existsSync(`${FIXTURES}${overlay}`) ? fixture(overlay) : language.startsWith('en') ? {} : { biography: '' }
  return { ...fixture(`person-${id}.json`), ...translated }
}

interface PoolPerson {
  name: string
  also_known_as?: string[]
}

export function peopleRoute(path: string, query: URLSearchParams): { status: number; body: unknown } | undefined {
  const credits = /^\/3\/person\/(\d+)\/movie_credits$/.exec(path)
  if (credits && existsSync(`${FIXTURES}person-${credits[1]}.json`)) return { status: 200, body: fixture(`person-${credits[1]}.movie_credits.json`) }
  const one = /^\/3\/person\/(\d+)$/.exec(path)
  if (one && existsSync(`${FIXTURES}person-${one[1]}.json`)) {
    const appended = (query.get('append_to_response') ?? '').split(',').includes('movie_credits')
    return { status: 200, body: { ...person(one[1]!, query), ...(appended ? { movie_credits: fixture(`person-${one[1]}.movie_credits.json`) } : {}) } }
  }
  if (path === '/3/search/person') {
    // Looser than the app wants, like TMDB: any query word in the name or in another name the person goes by.
    const words = (query.get('query') ?? '').toLowerCase().split(/\s+/).filter(Boolean)
    const pool = JSON.parse(readFileSync(`${FIXTURES}search-people.json`, 'utf8')) as PoolPerson[]
    const results = pool.filter((p) => words.some((word) => [p.name, ...(p.also_known_as ?? [])].some((name) => name.toLowerCase().includes(word))))
    return { status: 200, body: { page: 1, results, total_pages: 1, total_results: results.length } }
  }
  return undefined
}
