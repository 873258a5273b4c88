/**
 * Replaces the layout's polite live region out of band, so screen readers hear what an
 * in-place htmx action did (the swapped button alone changes silently).
 */
export function LiveStatus({ message }: { message: string }) {
  return (
    <p id="live-status" class="visually-hidden" role="status" aria-live="polite" hx-swap-oob="true">
      {message}
    </p>
  )
}
