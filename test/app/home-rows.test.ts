import { describe, expect, it } from 'vitest'
import { homeModel } from '../../src/browse/home'
import type { HomeRowSource, HomeSection, HomeViewer } from '../../src/browse/home-row'
import { HOME_ROWS } from '../../src/browse/home-rows'
import type { SessionUser } from '../../src/context'
import { createTranslator } from '../../src/i18n/translator'
import { signUp } from '../support/harness/accounts'
import { testServices } from '../support/harness/services'

/**
 * The home page is a registry of rows (src/browse/home-rows.ts): a new row is one module and one line. Here a row
 * defined in the test joins the registry's, against the real catalog and data store, and lands where its position
 * says, for the viewers it says.
 */
const services = testServices()
const t = createTranslator('en')

function viewer(user?: SessionUser): HomeViewer {
  return { services, ...(user ? { user } : {}), listed: new Set(), options: { language: 'en' }, t, warn: () => {} }
}

const signedIn = async (): Promise<SessionUser> => {
  const { user } = await signUp()
  return { ...user, via: 'bearer', profile: {} as SessionUser['profile'] }
}

/** A personal row as a feature would add it: who asked is recorded, so a test can see it never loads for a visitor. */
function recordingRow(loads: string[]): HomeRowSource {
  return {
    id: 'because-you-asked',
    position: 15,
    shows: 'signed-in',
    card: 'poster',
    async load({ services, user, options }) {
      loads.push(user!.id)
      const popular = await services.catalog.list('popular', options)
      return { card: 'poster', row: { id: 'because-you-asked', title: 'Because you asked', movies: popular.results } }
    },
  }
}

const idOf = (section: HomeSection) => ('row' in section ? section.row.id : 'rows' in section ? 'picks' : 'picks-later')

describe('home rows registry', { timeout: 30_000 }, () => {
  it("should leave a signed-in row out of a visitor's page without loading it", async () => {
    const loads: string[] = []
    const home = await homeModel(viewer(), [...HOME_ROWS, recordingRow(loads)])
    expect(home.sections.map(idOf)).toEqual(['trending', 'popular', 'top-rated', 'now-playing', 'genre-28', 'genre-35'])
    expect(loads).toEqual([])
    expect(home.featured?.backdrop_url).toBeTruthy()
  })

  it('should place a new row by its position for a signed-in viewer, cut to a row of posters', async () => {
    const loads: string[] = []
    const user = await signedIn()
    const home = await homeModel(viewer(user), [...HOME_ROWS, recordingRow(loads)])
    // A new user: no list yet (no My List row), picks not computed yet (htmx loads them after the page).
    expect(home.sections.map(idOf)).toEqual(['picks-later', 'trending', 'because-you-asked', 'popular', 'top-rated', 'now-playing', 'genre-28', 'genre-35'])
    expect(loads).toEqual([user.id])
    const added = home.sections.find((section) => idOf(section) === 'because-you-asked')
    expect(added && 'row' in added ? added.row.movies.length : 0).toBe(10)
  })
})
