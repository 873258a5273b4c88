import type { MessageKey } from '../../i18n/catalogue'
import { DEFAULT_LOCALE, localeInfo } from '../../i18n/locales'
import { createTranslator, type Translator } from '../../i18n/translator'
import { genreName } from '../genres'
import type { Film } from './data'

/**
 * The bundled catalog in the viewer's language. Titles stay as published; genre names and the overviews
 * generated from metadata come from the message catalogues (keys `genre.<id>`, `bundled.*`), filled at
 * request time. English keeps the original generator (data.ts `overviewOf`, with its article and adjective
 * grammar); every other language fills the catalogue's sentence templates.
 */

const translators = new Map<string, Translator>()
function translatorIn(language: string): Translator {
  let t = translators.get(language)
  // Rebuilt when the registry changed (a test registers its pseudo-locale at run time).
  if (!t || t.info !== localeInfo(language)) translators.set(language, (t = createTranslator(language)))
  return t
}

const isEnglish = (language: string | undefined): language is undefined => !language || translatorIn(language).locale === DEFAULT_LOCALE

/** The genre's name in `language` (TMDB's English name when it is English or the id is unknown). */
export function genreNameIn(id: number, language?: string): string | undefined {
  const english = genreName(id)
  if (!english || isEnglish(language)) return english
  return translatorIn(language)(`genre.${id}` as MessageKey)
}

/** The dataset's "Source" values → catalogue keys of the sentence that says where the story comes from. */
const SOURCE_KEYS: Record<string, MessageKey> = {
  'Original Screenplay': 'bundled.source.original',
  'Based on Book/Short Story': 'bundled.source.book',
  'Based on Play': 'bundled.source.play',
  'Based on Short Film': 'bundled.source.shortFilm',
  Remake: 'bundled.source.remake',
  'Based on Comic/Graphic Novel': 'bundled.source.comic',
  'Based on Real Life Events': 'bundled.source.realEvents',
  'Traditional/Legend/Fairytale': 'bundled.source.legend',
  'Based on TV': 'bundled.source.tv',
  'Based on Musical/Opera': 'bundled.source.musical',
  'Based on Game': 'bundled.source.game',
  'Spin-Off': 'bundled.source.spinOff',
  'Based on Factual Book/Article': 'bundled.source.factualBook',
  'Based on Magazine Article': 'bundled.source.magazine',
  'Disney Ride': 'bundled.source.ride',
  'Based on Toy': 'bundled.source.toy',
}

/** The film's generated overview in `language`: who made it when, its genres, its source, then the facts line. */
export function overviewIn(film: Film, language?: string): string {
  if (isEnglish(language)) return film.overview
  const t = translatorIn(language)
  const genres = film.genreIds.map((id) => genreNameIn(id, language)).filter((name): name is string => Boolean(name))
  const facts = [
    film.mpaa && film.mpaa !== 'Open'
      ? film.mpaa === 'Not Rated'
        ? t('bundled.overview.notRated')
        : t('bundled.overview.rated', { rating: film.mpaa })
      : '',
    t.runtime(film.runtime) ?? '',
    film.rating !== null && film.votes > 0 ? t('bundled.overview.imdb', { rating: t.rating(film.rating), count: film.votes }) : '',
    film.rottenTomatoes !== null
      ? t('bundled.overview.rottenTomatoes', { percent: t.number(film.rottenTomatoes / 100, { style: 'percent' }) })
      : '',
  ].filter(Boolean)
  const sourceKey = film.source ? SOURCE_KEYS[film.source] : undefined
  return [
    genres.length ? t('bundled.overview.genres', { genres: new Intl.ListFormat(t.info.intl).format(genres) }) : '',
    film.year ? t('bundled.overview.released', { year: String(film.year) }) : '',
    film.director ? t('bundled.overview.directed', { director: film.director }) : '',
    sourceKey ? t(sourceKey) : '',
    facts.length ? t('bundled.overview.facts', { facts: facts.join(' · ') }) : '',
  ]
    .filter(Boolean)
    // Japanese sentences end in 。 and run on without spaces.
    .join(t.locale === 'ja' ? '' : ' ')
}
