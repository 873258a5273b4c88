import type { Child } from 'hono/jsx'
import { Field, FormNotice, type FieldErrors } from '../FormField'
import { useT } from '../I18nContext'
import { formatBytes } from './video-format'

/** The upload form's text fields as the operator typed them, shown again when the form is refused. */
export interface UploadValues {
  movie_id?: string
  license?: string
  credit?: string
  label?: string
}

/** The upload form after a refusal: what was typed, each field's problem, a problem of the whole form. */
export interface UploadFormState {
  values?: UploadValues
  errors?: FieldErrors
  /** A form-level problem (too large, too many uploads under way, the film is unknown…). */
  problem?: Child
}


/**
 * The upload form. Without JavaScript it posts the file as multipart/form-data (up to `formLimit`); with
 * public/assets/upload.js the file goes through the JSON API in parts, with progress, cancel and resume after a reload.
 * The script's words come from data-* attributes, so they are in the page's language.
 */
export function UploadForm({ formLimit, state = {} }: { formLimit: number; state?: UploadFormState }) {
  const t = useT()
  const { values = {}, errors = {}, problem } = state
  const max = formatBytes(formLimit, t)
  const command = <code>{t('admin.upload.command')}</code>
  const messages = {
    'data-locale': t.info.intl,
    'data-msg-starting': t('admin.upload.starting'),
    'data-msg-progress': t('admin.upload.progress'),
    'data-msg-finishing': t('admin.upload.finishing'),
    'data-msg-done': t('admin.upload.done'),
    'data-msg-cancelled': t('admin.upload.cancelled'),
    'data-msg-failed': t('admin.upload.failed'),
    'data-msg-offline': t('admin.upload.offline'),
    'data-msg-resume': t('admin.resume.text'),
    'data-msg-resuming': t('admin.resume.resuming'),
    'data-msg-mismatch': t('admin.resume.mismatch'),
    'data-msg-gone': t('admin.resume.gone'),
  }
  const fileError = errors.file
  return (
    <section class="upload-panel" aria-labelledby="upload-heading" data-upload-panel>
      <h2 id="upload-heading">{t('admin.upload.heading')}</h2>
      {problem ? <FormNotice kind="error">{problem}</FormNotice> : null}
      <div class="upload-resume" data-upload-resume hidden>
        <h3>{t('admin.resume.heading')}</h3>
        <p data-resume-text></p>
        <div class="field">
          <label for="resume-file">{t('admin.resume.file')}</label>
          <input id="resume-file" type="file" data-resume-file />
        </div>
        <p class="upload-buttons">
          <button type="button" class="button small primary" data-resume-start>
            {t('admin.resume.submit')}
          </button>
          <button type="button" class="button small secondary" data-resume-discard>
            {t('admin.resume.discard')}
          </button>
        </p>
      </div>
      <form id="upload-form" class="upload-form" method="post" action="/admin/videos/upload" enctype="multipart/form-data" data-uploader {...messages}>
        <Field
          name="movie_id"
          label={t('admin.upload.movieId')}
          hint={t('admin.upload.movieIdHint')}
          value={values.movie_id}
          error={errors.movie_id}
          required
          maxlength={9}
          inputmode="numeric"
          idPrefix="upload"
          autocomplete="off"
        />
        <Field idPrefix="upload" autocomplete="off" name="license" label={t('admin.upload.license')} hint={t('admin.upload.licenseHint')} value={values.license} error={errors.license} required maxlength={200} />
        <Field idPrefix="upload" autocomplete="off" name="credit" label={t('admin.upload.credit')} hint={t('admin.upload.creditHint')} value={values.credit} error={errors.credit} maxlength={300} />
        <Field idPrefix="upload" autocomplete="off" name="label" label={t('admin.upload.label')} hint={t('admin.upload.labelHint')} value={values.label} error={errors.label} maxlength={100} />
        <div class={fileError ? 'field invalid' : 'field'}>
          <label for="upload-file">{t('admin.upload.file')}</label>
          <input
            id="upload-file"
            type="file"
            name="file"
            accept="video/*,.mkv,.mp4,.mov,.webm"
            required
            aria-invalid={fileError ? 'true' : undefined}
            aria-describedby={fileError ? 'upload-file-hint upload-file-error' : 'upload-file-hint'}
          />
          <p class="field-hint" id="upload-file-hint">
            {t.rich('admin.upload.fileHint', { max, command })}
          </p>
          {fileError ? (
            <p class="field-error" id="upload-file-error">
              {fileError}
            </p>
          ) : null}
        </div>
        <p class="upload-buttons">
          <button type="submit" class="button primary" data-upload-submit>
            {t('admin.upload.submit')}
          </button>
        </p>
      </form>
      <div class="upload-progress" data-upload-progress hidden>
        <progress max={100} value={0} aria-labelledby="upload-heading" data-upload-bar></progress>
        <span class="upload-percent" aria-hidden="true" data-upload-percent></span>
        <button type="button" class="button small secondary" data-upload-cancel hidden>
          {t('admin.upload.cancel')}
        </button>
      </div>
      <p class="upload-status" role="status" aria-live="polite" data-upload-status></p>
    </section>
  )
}
