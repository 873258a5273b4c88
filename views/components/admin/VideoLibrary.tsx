import { LiveStatus } from '../LiveStatus'
import { useT } from '../I18nContext'
import { formatBytes } from './video-format'
import { VideoItem, type AdminVideoRow } from './VideoItem'

/** What the list shows: the rows, the storage they take, and what each row's subtitle form offers. */
export interface VideoLibraryProps {
  rows: AdminVideoRow[]
  /** Bytes of every source stored. */
  storage: number
  /** The largest subtitle file. */
  subtitleLimit: number
  /** Subtitle languages offered: code → name in the reader's language. */
  subtitleLanguages: [string, string][]
}

/** The storage line above the list; sent out of band after an action changes it. */
export function LibrarySummary({ count, storage, oob }: { count: number; storage: number; oob?: boolean }) {
  const t = useT()
  return (
    <p id="library-summary" class="page-subtitle library-summary" {...(oob ? { 'hx-swap-oob': 'true' } : {})}>
      {t('admin.summary', { count, size: formatBytes(storage, t) })}
    </p>
  )
}

/** Every video, newest first: what the uploader script asks for again after starting or finishing an upload. */
export function VideoLibrary({ rows, storage, subtitleLanguages, subtitleLimit }: VideoLibraryProps) {
  const t = useT()
  return (
    <section id="video-library" class="video-library" aria-labelledby="library-heading">
      <h2 id="library-heading">{t('admin.list.heading')}</h2>
      <LibrarySummary count={rows.length} storage={storage} />
      {rows.length === 0 ? (
        <p class="empty-state">{t('admin.empty')}</p>
      ) : (
        <ol class="video-list">
          {rows.map((row) => (
            <VideoItem row={row} languages={subtitleLanguages} subtitleLimit={subtitleLimit} />
          ))}
        </ol>
      )}
    </section>
  )
}

/** A row after an htmx action: the row, the storage line and what happened, for screen readers. */
export function VideoItemFragment(props: { row: AdminVideoRow | null; languages: [string, string][]; subtitleLimit: number; count: number; storage: number; message: string; problem?: string }) {
  return (
    <>
      {props.row ? <VideoItem row={props.row} languages={props.languages} subtitleLimit={props.subtitleLimit} problem={props.problem} /> : null}
      <LibrarySummary count={props.count} storage={props.storage} oob />
      <LiveStatus message={props.message} />
    </>
  )
}
