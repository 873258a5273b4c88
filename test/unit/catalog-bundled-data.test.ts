import { describe, expect, it } from 'vitest'
import { createBundledCatalog } from '../../src/catalog/bundled'
import { filmIndex } from '../../src/catalog/bundled/data'
import { posterSvg, wrapTitle } from '../../src/catalog/bundled/posters'
import { search, topRated } from '../../src/catalog/bundled/rank'

/** The bundled catalog on the real vega-datasets films: the cleanup holds and each list means what it says. */

const { films } = filmIndex()
const titled = (title: string) => films.filter((film) => film.title === title)

describe('bundled data cleanup', () => {
  it('repairs mis-encoded accents', () => {
    const titles = films.map((film) => film.title)
    expect(titles).toContain("Le Fabuleux destin d'Amélie Poulain")
    expect(titles).toContain('Léon')
    expect(titles).toContain("De battre mon coeur s'est arrêté")
    expect(titles).toContain('Per qualche dollaro in più')
    expect(titles).toContain('The Naked Gun 2½: The Smell of Fear')
    expect(titles).toContain('Alien³')
    expect(titles.filter((title) => /[ÈÍ˘ΩÛ‰‡·ÙÎË]/.test(title))).toEqual([])
  })

  it('moves dates pushed into the wrong century back', () => {
    expect(films.filter((film) => film.releaseDate && film.releaseDate > '2011-12-31')).toEqual([])
    expect(titled('Gone with the Wind').map((f) => f.releaseDate)).toEqual(['1939-12-15'])
    expect(titled('Ben-Hur').map((f) => f.year).sort()).toEqual([1925, 1959])
  })

  it('drops the untitled record, keeps numeric titles as strings, and keeps remakes apart', () => {
    expect(films.every((film) => typeof film.title === 'string' && film.title.trim().length > 0)).toBe(true)
    for (const title of ['1776', '54', '300', '2012', '9']) expect(titled(title), title).toHaveLength(1)
    expect(titled('King Kong').map((f) => f.year).sort()).toEqual([1933, 1976, 2005])
    expect(titled('The Charge of the Light Brigade')).toHaveLength(1)
    const keys = films.map((film) => `${film.title}|${film.releaseDate}`)
    expect(new Set(keys).size).toBe(keys.length)
    expect(films.length).toBeGreaterThan(3100)
  })

  it('gives every film a unique id in the bundled range', () => {
    const ids = films.map((film) => film.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.every((id) => Number.isInteger(id) && id >= 900_000_000 && id < 1_000_000_000)).toBe(true)
  })

  it('writes overviews only from the metadata', () => {
    const shawshank = titled('The Shawshank Redemption')[0]!
    expect(shawshank.overview).toBe(
      'A 1994 drama and period film directed by Frank Darabont. Based on a book or short story. Rated R · IMDb 9.2 from 519,541 votes · Rotten Tomatoes 88%.',
    )
    for (const film of films) {
      expect(film.overview, film.title).toMatch(/^An? /)
      if (film.year) expect(film.overview, film.title).toContain(String(film.year))
      if (film.director) expect(film.overview, film.title).toContain(film.director)
    }
  })
})

describe('bundled rankings and search', () => {
  it('does not let a handful of votes top the rated list', () => {
    const top = topRated(films).slice(0, 20)
    expect(Math.min(...top.map((film) => film.votes))).toBeGreaterThan(10_000)
    const fewVotes = films.find((film) => film.title === 'Return to the Land of Wonders')!
    expect(fewVotes.rating).toBeGreaterThanOrEqual(8.5)
    expect(topRated(films).slice(0, 200)).not.toContain(fewVotes)
  })

  it('finds titles case- and accent-insensitively, best match first', () => {
    expect(search(films, 'amelie').map((f) => f.title)).toContain("Le Fabuleux destin d'Amélie Poulain")
    expect(search(films, 'LEON')[0]!.title).toBe('Léon')
    const alien = search(films, 'alien').map((f) => f.title)
    expect(alien[0]).toBe('Alien')
    const lastPrefix = Math.max(...alien.map((t, i) => (t.toLowerCase().startsWith('alien') ? i : -1)))
    const firstOther = alien.findIndex((t) => !t.toLowerCase().startsWith('alien'))
    expect(lastPrefix).toBeLessThan(firstOther)
    expect(alien).toContain('AVP: Alien Vs. Predator')
    expect(search(films, 'king kong', 1933).map((f) => f.year)).toEqual([1933])
    expect(search(films, '   ')).toEqual([])
  })

  it('defines now playing, upcoming and trending around CATALOG_TODAY', async () => {
    const byDefault = createBundledCatalog({ origin: 'https://x.test' })
    const now = await byDefault.list('now_playing')
    expect(now.results[0]!.release_date).toBe('2011-12-23')
    expect((await byDefault.list('upcoming')).results).toEqual([])

    const in2005 = createBundledCatalog({ origin: 'https://x.test', today: '2005-06-15' })
    const upcoming = (await in2005.list('upcoming')).results.map((m) => m.release_date!)
    expect(upcoming.length).toBe(20)
    expect(upcoming.every((date) => date > '2005-06-15')).toBe(true)
    expect([...upcoming].sort()).toEqual(upcoming)
    const playing = (await in2005.list('now_playing')).results.map((m) => m.release_date!)
    expect(playing.every((date) => date <= '2005-06-15')).toBe(true)
    for (const window of ['day', 'week'] as const) {
      const trending = (await in2005.trending(window)).results.map((m) => m.release_date!)
      expect(trending.every((date) => date <= '2005-06-15' && date > '2001-06-15'), window).toBe(true)
    }
    const day = (await in2005.trending('day')).results.map((m) => m.id)
    const week = (await in2005.trending('week')).results.map((m) => m.id)
    expect(day).not.toEqual(week)
  })

  it('finds similar films by genre, director and era', async () => {
    const catalog = createBundledCatalog({ origin: 'https://x.test' })
    const amelie = titled("Le Fabuleux destin d'Amélie Poulain")[0]!
    const details = (await catalog.details(amelie.id))!
    const similar = details.similar.map((m) => m.title)
    expect(similar).toContain('A Very Long Engagement')
    expect(similar).not.toContain(amelie.title)
  })
})

describe('generated posters', () => {
  it('wraps long titles into lines that fit, ending cut titles with an ellipsis', () => {
    expect(wrapTitle('The Lord of the Rings: The Fellowship of the Ring', 14, 6)).toEqual([
      'The Lord of',
      'the Rings: The',
      'Fellowship of',
      'the Ring',
    ])
    const cut = wrapTitle('one two three four five six seven eight nine ten', 5, 2)
    expect(cut).toHaveLength(2)
    expect(cut[1]!.endsWith('…')).toBe(true)
  })

  it('escapes every title it draws', () => {
    const film = { ...films[0]!, title: `<script>alert("x")</script> & 'co'` }
    const svg = posterSvg(film)
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('&#60;script&#62;')
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="500" height="750"')).toBe(true)
  })
})
