import type { Genre } from '../../src/catalog/types'

/** Genres as pill links to their pages (home's "More genres", search's empty state, a film's genres). */
export function GenreChips({ genres, label }: { genres: Genre[]; label?: string }) {
  if (genres.length === 0) return null
  return (
    <ul class="chips" aria-label={label}>
      {genres.map((g) => (
        <li>
          <a class="chip" href={`/genres/${g.id}`}>
            {g.name}
          </a>
        </li>
      ))}
    </ul>
  )
}
