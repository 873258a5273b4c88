import { SELF } from '@test/runtime'
import { beforeAll, describe, expect, it } from 'vitest'
import { api, ORIGIN, type TestUser } from '../support/harness/accounts'
import { OPERATOR_EMAILS, signUpOperator } from '../support/harness/operators'

/**
 * `npm run video:add`'s upload (scripts/lib/video-upload.ts) against the real admin API on the Node runtime: the
 * CLI's own tests (test/ops/video-add.test.ts) run it against a fake of the contract; this checks the two agree.
 * Loaded at run time: test/app is type-checked against the Workers types, the CLI and ffmpeg are Node's.
 */
const load = <T>(specifier: string): Promise<T> => import(/* @vite-ignore */ specifier) as Promise<T>

interface Upload {
  uploadVideo(options: Record<string, unknown>): Promise<{ id: string; status: string; parts: { n: number }[]; subtitles: string[] }>
}
interface Media {
  makeClip(options: { seconds: number; width: number; height: number; videoBitrate?: string }): Promise<string>
  makeSubtitles(options: { seconds: number; format?: 'srt' | 'vtt' }): Promise<string>
}

const MOVIE = 968762585 // in the bundled catalog
const quiet = { tty: false, status: () => {}, line: () => {} }
let operator: TestUser

beforeAll(async () => {
  operator = await signUpOperator(OPERATOR_EMAILS.cli)
})

describe('npm run video:add against the admin API', () => {
  it('uploads a generated clip in parts with subtitles, and resumes an interrupted upload sending only the missing parts', async () => {
    const [{ uploadVideo }, media] = await Promise.all([load<Upload>('../../scripts/lib/video-upload.ts'), load<Media>('../support/media.ts')])
    // The clip test/app/videos-api.test.ts uploads (generated once): a 5 MiB part and the rest.
    const [file, subtitles] = await Promise.all([media.makeClip({ seconds: 6, width: 1280, height: 720, videoBitrate: '9M' }), media.makeSubtitles({ seconds: 6, format: 'srt' })])
    const sent: number[] = []
    let failPart: number | null = 2
    const appFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input))
      const part = /\/parts\/(\d+)$/.exec(url.pathname)?.[1]
      if (part && Number(part) === failPart) {
        failPart = null
        throw new TypeError('fetch failed (the connection dropped)')
      }
      if (part) sent.push(Number(part))
      return SELF.fetch(`${ORIGIN}${url.pathname}${url.search}`, init)
    }
    const options = { fetch: appFetch, base: ORIGIN, token: operator.token, userId: operator.user.id, file, movieId: MOVIE, license: 'CC BY 4.0', wait: false, retries: 0, retryDelayMs: 1, report: quiet }
    await expect(uploadVideo(options)).rejects.toThrow()
    const before = [...sent]
    const video = await uploadVideo({ ...options, subtitles: [{ lang: 'es', file: subtitles }] })
    expect(video.status).toBe('queued')
    // The second run sent only what the first did not get through.
    expect(sent.slice(before.length).sort()).toEqual([1, 2].filter((n) => !before.includes(n)))
    const stored = (await (await api(`/admin/videos/${video.id}`, { token: operator.token })).json()) as { parts: { n: number }[]; subtitles: string[]; status: string }
    expect(stored.parts.map((p) => p.n)).toEqual([1, 2])
    expect(stored.subtitles).toEqual(['es'])
  })
})
