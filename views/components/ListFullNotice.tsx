/** Beside a My List button whose add was refused: the list already holds its maximum of films. */
export function ListFullNotice({ max }: { max: number }) {
  return (
    <p class="list-full-notice" role="alert">
      Your list is full ({max.toLocaleString('en-US')} films). Remove a film from <a href="/watchlist">My List</a> to add another.
    </p>
  )
}
