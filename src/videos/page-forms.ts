import { z } from 'zod'
import type { UploadValues } from '../../views/components/admin/UploadForm'
import { formatBytes } from '../../views/components/admin/video-format'
import type { FieldErrors } from '../../views/components/FormField'
import { knownError, type ApiError } from '../http/errors'
import { fieldErrors } from '../http/forms'
import type { MessageKey } from '../i18n/catalogue'
import { issueMessage as m } from '../i18n/message-ref'
import type { Translator } from '../i18n/translator'
import type { VideoLibrary } from './library'
import { MultipartError, type MultipartReader, type PartHeaders } from './multipart'
import { MAX_SUBTITLE_BYTES, MAX_UPLOADING_PER_OPERATOR, SUBTITLE_LANGUAGE, type Video } from './types'

/**
 * The work of the admin pages' no-JavaScript forms (src/videos/pages.tsx routes them): the upload form, read as a
 * stream with its file sent to the library in part-size pieces, and the subtitle form. Each takes a MultipartReader
 * the route opened on the body and answers with an outcome the route turns into a page; the reader is cancelled
 * before a refusal is returned. Texts are in the reader's language (`t`), as the page shows them.
 */

/** The upload form's fields (the file comes after them); blanks mean "not given". */
const blank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)
const UploadFormSchema = z.object({
  movie_id: z.string({ message: m('admin.upload.movieIdInvalid') }).trim().regex(/^[1-9]\d{0,8}$/, m('admin.upload.movieIdInvalid')),
  license: z.string({ message: m('validation.required') }).trim().min(1, m('validation.required')).max(200),
  credit: z.preprocess(blank, z.string().trim().max(300).optional()),
  label: z.preprocess(blank, z.string().trim().max(100).optional()),
})
const UPLOAD_FIELDS = new Set(['movie_id', 'license', 'credit', 'label'])
const LABELS: Partial<Record<string, MessageKey>> = {
  movie_id: 'admin.upload.movieId',
  license: 'admin.upload.license',
  credit: 'admin.upload.credit',
  label: 'admin.upload.label',
}

/** A form's multipart body: its reader, the boundary it was opened with and the body's length (Content-Length). */
export interface FormBody {
  reader: MultipartReader
  boundary: string
  length: number
}

/** The upload form refused, to be shown again: what was typed, each field's problem or the form's, and the status. */
export interface UploadRefusal {
  status: 400 | 422
  values?: UploadValues
  errors?: FieldErrors
  problem?: string
}

export type FormUploadOutcome = { uploaded: Video } | { refused: UploadRefusal }

/** A subtitle form refused: its problem (shown in the row or above the list) and the status. */
export type SubtitleFormOutcome = { added: true } | { problem: string; status: 400 | 422 }

/** An error a form can show next to itself, in the reader's language: its message, then its details. */
export function problemText(t: Translator, error: ApiError): string {
  const details = (error.details ?? []).map((d) => t('error.detail', { field: d.path, message: t(d.message.key, d.message.params) }))
  return [t(error.ref.key, error.ref.params), ...details].join(' ')
}

/** A subtitle file over MAX_SUBTITLE_BYTES, whether its Content-Length says so or its bytes do. */
export const subtitleTooLargeText = (t: Translator) => t('admin.subtitles.tooLarge', { max: formatBytes(MAX_SUBTITLE_BYTES, t) })

/** A part's bytes as the stream putPart takes. */
const streamOf = (bytes: Uint8Array) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes)
      controller.close()
    },
  })

/** Reads a form's text fields up to its first file field; the reader then stands at that file's bytes. */
async function readFields(reader: MultipartReader, wanted: ReadonlySet<string>): Promise<{ values: Record<string, string>; file: PartHeaders | null }> {
  const values: Record<string, string> = {}
  for (let part = await reader.nextPart(); part; part = await reader.nextPart()) {
    if (part.filename !== null) {
      if (part.name === 'file') return { values, file: part }
    } else if (wanted.has(part.name)) {
      values[part.name] = await reader.text(4096)
    }
  }
  return { values, file: null }
}

/** The visitor's input as the form shows it again. */
const shownValues = (values: Record<string, string>): UploadValues => ({
  movie_id: values.movie_id,
  license: values.license,
  credit: values.credit,
  label: values.label,
})

type UploadLibrary = Pick<VideoLibrary, 'create' | 'putPart' | 'complete' | 'cancel'>

/**
 * The no-JavaScript upload: the form's fields, then a video of the file's size created for `operatorId` and the file
 * fed to it in part-size pieces (one piece in memory at a time), then completed. A refusal (bad fields, no file, an
 * unknown film, too many uploads under way, a body that breaks off) leaves no upload behind; any other error is thrown.
 */
export async function uploadFromForm(videos: UploadLibrary, operatorId: string, { reader, boundary, length }: FormBody, t: Translator): Promise<FormUploadOutcome> {
  const refuse = async (refusal: UploadRefusal): Promise<FormUploadOutcome> => {
    await reader.cancel()
    return { refused: refusal }
  }

  let fields: Awaited<ReturnType<typeof readFields>>
  try {
    fields = await readFields(reader, UPLOAD_FIELDS)
  } catch (error) {
    if (error instanceof MultipartError) return refuse({ status: 400, problem: t('errors.malformed.form') })
    throw error
  }
  const values = shownValues(fields.values)
  const parsed = UploadFormSchema.safeParse(fields.values)
  const fieldProblems: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error, t, LABELS, fields.values)
  if (!fields.file || fields.file.filename === '') fieldProblems.file = t('admin.upload.noFile')
  // The file's size, from what is left of the body: its bytes, then the closing delimiter line.
  const size = length - reader.offset - `\r\n--${boundary}--\r\n`.length
  if (!fieldProblems.file && size <= 0) fieldProblems.file = t('admin.upload.noFile')
  if (!parsed.success || Object.keys(fieldProblems).length) return refuse({ status: 422, values, errors: fieldProblems })
  const input = parsed.data

  let video: Video
  try {
    video = await videos.create(operatorId, { movie_id: Number(input.movie_id), size, license: input.license, credit: input.credit, label: input.label })
  } catch (error) {
    const known = knownError(error)
    if (known?.code === 'movie_not_found') return refuse({ status: 422, values, errors: { movie_id: t('admin.upload.unknownFilm') } })
    if (known?.details?.some((d) => d.message.key === 'validation.videoUploadsUnderWay')) {
      return refuse({ status: 422, values, problem: t('admin.upload.tooMany', { max: MAX_UPLOADING_PER_OPERATOR }) })
    }
    if (known && known.status === 422) return refuse({ status: 422, values, problem: problemText(t, known) })
    await reader.cancel()
    throw error
  }

  try {
    await sendFileInParts(videos, video, reader, size)
    await reader.cancel()
    await videos.complete(video.id)
  } catch (error) {
    await videos.cancel(video.id).catch(() => undefined)
    if (error instanceof MultipartError) return refuse({ status: 400, values, problem: t('admin.upload.incomplete') })
    const known = knownError(error)
    if (known && known.status === 422) return refuse({ status: 422, values, problem: problemText(t, known) })
    await reader.cancel()
    throw error
  }
  return { uploaded: video }
}

/** The file's bytes from the reader to the video's parts, each of `part_size` bytes but the last; exactly `size` in all. */
async function sendFileInParts(videos: Pick<VideoLibrary, 'putPart'>, video: Video, reader: MultipartReader, size: number) {
  const partSize = video.part_size
  let n = 1
  let received = 0
  let piece = new Uint8Array(Math.min(partSize, size))
  let filled = 0
  for (let chunk = await reader.read(); chunk; chunk = await reader.read()) {
    received += chunk.length
    if (received > size) throw new MultipartError('the file is longer than the body said')
    for (let at = 0; at < chunk.length; ) {
      const take = Math.min(piece.length - filled, chunk.length - at)
      piece.set(chunk.subarray(at, at + take), filled)
      filled += take
      at += take
      if (filled === piece.length) {
        await videos.putPart(video.id, n, streamOf(piece), { size: piece.length })
        n++
        filled = 0
        const left = size - (n - 1) * partSize
        if (left > 0) piece = new Uint8Array(Math.min(partSize, left))
      }
    }
  }
  if (received !== size) throw new MultipartError('the file is shorter than the body said')
}

/** A subtitle file (SubRip or WebVTT, ≤ MAX_SUBTITLE_BYTES) for one language of video `id`, from the subtitle form. */
export async function addSubtitlesFromForm(videos: Pick<VideoLibrary, 'putSubtitles'>, id: string, reader: MultipartReader, t: Translator): Promise<SubtitleFormOutcome> {
  let language: string | undefined
  let text: string | undefined
  try {
    const fields = await readFields(reader, new Set(['language']))
    language = fields.values.language?.trim()
    if (fields.file && fields.file.filename !== '') text = await reader.text(MAX_SUBTITLE_BYTES)
  } catch (error) {
    await reader.cancel()
    if (error instanceof MultipartError) return { problem: /too long/.test(error.message) ? subtitleTooLargeText(t) : t('errors.malformed.form'), status: 400 }
    throw error
  }
  await reader.cancel()
  if (!language || !SUBTITLE_LANGUAGE.safeParse(language).success) {
    return { problem: t('validation.fieldSentence', { label: t('admin.subtitles.language'), message: t('validation.invalid') }), status: 422 }
  }
  if (!text) return { problem: t('admin.subtitles.noFile'), status: 422 }
  try {
    await videos.putSubtitles(id, language, text)
  } catch (error) {
    const known = knownError(error)
    if (known && known.status === 422) return { problem: problemText(t, known), status: 422 }
    throw error
  }
  return { added: true }
}
