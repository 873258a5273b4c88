import { ASSETS } from '../assets'
import { Layout } from '../Layout'
import { FormNotice } from '../components/FormField'
import { useT } from '../components/I18nContext'
import { UploadForm, type UploadFormState } from '../components/admin/UploadForm'
import { VideoLibrary, type VideoLibraryProps } from '../components/admin/VideoLibrary'

/** The page: the list (views/components/admin/) beside the upload form, and a notice after a form was sent. */
export interface AdminVideosProps extends VideoLibraryProps {
  /** The largest file the no-JavaScript form takes. */
  formLimit: number
  /** The notice after a form was sent (?notice=…). */
  notice?: { kind: 'success' | 'error'; text: string }
  upload?: UploadFormState
}

/** /admin/videos: the operators' video library. */
export function AdminVideosPage(props: AdminVideosProps) {
  const t = useT()
  return (
    <Layout title={t('admin.title')}>
      <script src={ASSETS.upload} defer></script>
      <div class="page admin-page">
        <h1 class="page-title">{t('admin.title')}</h1>
        <p class="page-subtitle">{t('admin.lead')}</p>
        {props.notice ? <FormNotice kind={props.notice.kind}>{props.notice.text}</FormNotice> : null}
        <div class="admin-layout">
          <UploadForm formLimit={props.formLimit} state={props.upload} />
          <VideoLibrary rows={props.rows} storage={props.storage} subtitleLanguages={props.subtitleLanguages} subtitleLimit={props.subtitleLimit} />
        </div>
      </div>
    </Layout>
  )
}
