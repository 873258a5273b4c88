import { env, platformFor, SELF } from '@test/runtime'
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020'
import addFormats from 'ajv-formats'
import { beforeAll, describe, expect, it } from 'vitest'
import { Sns } from '../../src/aws/sns'
import { createOutbox } from '../../src/events/outbox'
import { readyMapChanged } from '../../src/videos'
import type { HlsOutputs } from '../../src/videos/hls'
import { VideoStore } from '../../src/videos/store'
import { TranscodeJobs } from '../../src/videos/transcode-jobs'
import { clientIp, ORIGIN, signUp, uniqueEmail, type TestUser } from '../support/harness/accounts'
import { aws, store as notifications } from '../support/harness/notifications'
import { OPERATOR_EMAILS, signUpOperator } from '../support/harness/operators'
import { recordOwner } from '../support/harness/owners'
import { browserSubscription, pushApi } from '../support/harness/push'
import { strictSchema, type JsonSchema } from '../support/harness/strict-schema'

/**
 * The API document against the API's live answers (issue #41): a signed-in user with something in every part of their
 * account (a list item, a review, a notification, watch progress, a push subscription, a download) and an operator with videos call
 * every documented operation, and each answer is validated against the document's schema for its route and status
 * with Ajv (JSON Schema 2020-12, formats checked), every object closed unless the document itself leaves it open.
 */

// Films of the bundled catalog no other test file uses, so the video given to one shows up nowhere else.
const VIDEO_FILM = 950934472 // Army of Darkness
const LIST_FILM = 937642949 // Beowulf
const OTHER_FILM = 997913681 // City Hall
const RETRY_FILM = 965812978 // Event Horizon
const DOWNLOAD_DEVICE = 'openapi-device-0001'

/** What a transcoder would report for a 2-minute film (no files are read by the routes called here). */
const OUTPUTS: HlsOutputs = {
  ladder: 1,
  duration: 120,
  renditions: [{ height: 180, width: 320, bandwidth: 300_000, average_bandwidth: 250_000, codecs: 'avc1.64000d', frame_rate: 25, playlist: 'v180/index.m3u8' }],
  audio: [{ index: 0, lang: 'en', codecs: 'mp4a.40.2', channels: 2, bandwidth: 128_000, playlist: 'a0/index.m3u8', default: true }],
  mp4: 'progressive.mp4',
  poster: 'poster.jpg',
  thumbnails: 'thumbs/index.vtt',
}

interface Answer {
  operation: string
  status: number
  json: unknown
  text: string
}
const answers: Answer[] = []

interface CallOptions {
  params?: Record<string, string | number>
  query?: string
  token?: string
  body?: unknown
  headers?: Record<string, string>
  /** The app with Web Push on (harness/push.ts), for the push routes. */
  push?: boolean
}

/** Calls one documented operation ("GET /api/v1/movies/{id}") and keeps its answer for the checks below. */
async function call(operation: string, options: CallOptions = {}): Promise<{ status: number; body: any }> {
  const [method, template] = operation.split(' ') as [string, string]
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(options.params?.[name])))
  const headers: Record<string, string> = { 'CF-Connecting-IP': clientIp(), ...options.headers }
  if (options.token) headers.Authorization = `Bearer ${options.token}`
  const raw = options.body === undefined || typeof options.body === 'string' || options.body instanceof Uint8Array
  if (!raw) headers['Content-Type'] = 'application/json'
  const body = options.body === undefined ? undefined : raw ? (options.body as string | Uint8Array) : JSON.stringify(options.body)
  const target = `${path}${options.query ? `?${options.query}` : ''}`
  const res = options.push
    ? await pushApi(target.replace(/^\/api\/v1/, ''), { method, headers, ...(body === undefined ? {} : { body }) })
    : await SELF.fetch(`${ORIGIN}${target}`, { method, headers, body: body as BodyInit | undefined, redirect: 'manual' })
  const text = await res.text()
  const json = /json/.test(res.headers.get('Content-Type') ?? '') && text ? JSON.parse(text) : undefined
  answers.push({ operation, status: res.status, json, text })
  return { status: res.status, body: json }
}

let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> }>>; components: { schemas: Record<string, JsonSchema> } }

/** The operator's library: one video made ready (as the transcoder would), one failed then retried and deleted, one cancelled. */
async function videoLibrary(operator: TestUser): Promise<string> {
  const as = { token: operator.token }
  const jobs = new TranscodeJobs({
    store: new VideoStore(aws.db, aws.table),
    outbox: createOutbox({ db: aws.db, table: aws.table, topicArn: aws.config.SNS_TOPIC_ARN, topic: () => Sns.fromConfig(aws.config), defer: (work) => void work }),
    media: platformFor(env).media!,
  })
  const bytes = new Uint8Array(64)
  const upload = async (movie: number) => {
    const { body: video } = await call('POST /api/v1/admin/videos', { ...as, body: { movie_id: movie, size: bytes.byteLength, license: 'generated test media' } })
    const part = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.byteLength) }
    await call('PUT /api/v1/admin/videos/{id}/parts/{n}', { ...as, params: { id: video.id, n: 1 }, headers: part, body: bytes })
    return video.id as string
  }
  const [ready, failed, cancelled] = await Promise.all([upload(VIDEO_FILM), upload(RETRY_FILM), upload(RETRY_FILM)])
  await Promise.all([
    (async () => {
      await call('GET /api/v1/admin/videos/{id}', { ...as, params: { id: ready } })
      await call('POST /api/v1/admin/videos/{id}/complete', { ...as, params: { id: ready } })
      expect((await jobs.claim(ready, 1, false)).kind).toBe('work')
      expect(await jobs.ready(ready, OUTPUTS)).toBe(true)
      readyMapChanged()
      await call('PUT /api/v1/admin/videos/{id}/subtitles/{lang}', { ...as, params: { id: ready, lang: 'en' }, headers: { 'Content-Type': 'text/vtt' }, body: 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n' })
      await call('PATCH /api/v1/admin/videos/{id}', { ...as, params: { id: ready }, body: { label: 'Theatrical cut' } })
    })(),
    (async () => {
      await call('POST /api/v1/admin/videos/{id}/complete', { ...as, params: { id: failed } })
      await jobs.claim(failed, 1, false)
      await jobs.fail(failed, 'not a video')
      await call('POST /api/v1/admin/videos/{id}/retry', { ...as, params: { id: failed } })
      await call('DELETE /api/v1/admin/videos/{id}', { ...as, params: { id: failed } })
    })(),
    call('POST /api/v1/admin/videos/{id}/cancel', { ...as, params: { id: cancelled } }),
  ])
  await call('GET /api/v1/admin/videos', as)
  return ready
}

/** The viewer's data in every part of the account: a list item, a review, a notification, a dismissal, a push subscription. */
async function viewerData(viewer: TestUser): Promise<{ endpoint: string }> {
  const as = { token: viewer.token }
  const [, , , , subscription] = await Promise.all([
    (async () => {
      for (let i = 0; i < 2; i++) await call('PUT /api/v1/me/watchlist/{movieId}', { ...as, params: { movieId: LIST_FILM } }) // 201, then 200
    })(),
    (async () => {
      for (const rating of [7, 9]) await call('PUT /api/v1/movies/{id}/reviews', { ...as, params: { id: LIST_FILM }, body: { rating, text: 'Horns and all.' } }) // 201, then 200
    })(),
    (async () => aws.db.transactWrite([notifications.putEntry(await notifications.build(viewer.user.id, { type: 'welcome', template: 'welcome', params: {} }))]))(),
    call('PUT /api/v1/me/dismissed/{movieId}', { ...as, params: { movieId: OTHER_FILM } }),
    // One after the other: each changes the profile (registering turns notifications.push on).
    (async () => {
      await call('GET /api/v1/push/public-key', { push: true })
      const sub = await browserSubscription()
      await call('PUT /api/v1/me/push-subscriptions', { ...as, push: true, body: sub })
      await call('PATCH /api/v1/me', { ...as, body: { display_name: 'Ash', region: 'DE', notifications: { release: true, recommendation: true, digest_email: false } } })
      return sub
    })(),
    call('GET /api/v1/admin/videos', as), // 403: not an operator
  ])
  return subscription
}

/** The viewer watches the ready video: a start, where they stopped, an event; then downloads it. */
async function watching(viewer: TestUser, videoId: string) {
  const as = { token: viewer.token }
  await call('POST /api/v1/movies/{id}/playback', { ...as, params: { id: VIDEO_FILM } })
  await call('PUT /api/v1/me/progress/{movieId}', { ...as, params: { movieId: VIDEO_FILM }, body: { position: 30 } })
  await call('POST /api/v1/me/progress/{movieId}', { ...as, params: { movieId: VIDEO_FILM }, headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ position: 60 }) })
  await call('POST /api/v1/me/playback-events', { ...as, body: { video_id: videoId, event: 'start' } })
  // A download reads the media playlists it lists the segments of: the transcoder would have written these.
  const playlist = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4.0,\nseg_00001.m4s\n#EXT-X-ENDLIST\n'
  for (const name of ['v180/index.m3u8', 'a0/index.m3u8']) await platformFor(env).media!.put(`videos/${videoId}/v1/${name}`, playlist, { contentType: 'application/vnd.apple.mpegurl' })
  const { body: download } = await call('POST /api/v1/me/downloads', { ...as, body: { movie_id: VIDEO_FILM, quality: '180p', device: DOWNLOAD_DEVICE } })
  expect(download.files?.[0]).toMatch(/\/v1\/offline\.m3u8$/)
  await call('POST /api/v1/me/downloads', { ...as, body: { movie_id: VIDEO_FILM, quality: '4320p', device: DOWNLOAD_DEVICE } }) // 422
  await call('POST /api/v1/me/downloads', { ...as, body: { movie_id: OTHER_FILM, quality: '480p', device: DOWNLOAD_DEVICE } }) // 404
  await call('POST /api/v1/me/downloads/{id}/renew', { ...as, params: { id: download.id } })
  await call('POST /api/v1/me/downloads/{id}/renew', { ...as, params: { id: 'a'.repeat(24) } }) // 404
  await call('GET /api/v1/me/downloads', as)
  return download.id as string
}

/** Every read of the viewer's data, then every removal, and last the end of every session. */
async function viewerReads(viewer: TestUser, subscription: { endpoint: string }, download: string) {
  const as = { token: viewer.token }
  await Promise.all([
    call('GET /api/v1/me', as),
    call('GET /api/v1/me/export', as),
    call('GET /api/v1/me/watchlist', as),
    call('GET /api/v1/movies/{id}/reviews', { params: { id: LIST_FILM } }),
    call('GET /api/v1/me/continue-watching', as),
    call('GET /api/v1/me/recommendations', as),
    (async () => {
      const { body: list } = await call('GET /api/v1/me/notifications', as)
      await call('GET /api/v1/me/notifications', { ...as, query: 'cursor=altered' }) // 422
      await call('POST /api/v1/me/notifications/{id}/read', { ...as, params: { id: list.results[0].id } })
      await call('POST /api/v1/me/notifications/{id}/read', { ...as, params: { id: 'nothing-here' } }) // 404
      await call('POST /api/v1/me/notifications/read-all', as)
    })(),
  ])
  await Promise.all([
    call('DELETE /api/v1/me/progress/{movieId}', { ...as, params: { movieId: VIDEO_FILM } }),
    call('DELETE /api/v1/me/dismissed/{movieId}', { ...as, params: { movieId: OTHER_FILM } }),
    call('DELETE /api/v1/me/push-subscriptions', { ...as, push: true, body: { endpoint: subscription.endpoint } }),
    call('DELETE /api/v1/movies/{id}/reviews', { ...as, params: { id: LIST_FILM } }),
    call('DELETE /api/v1/me/watchlist/{movieId}', { ...as, params: { movieId: LIST_FILM } }),
    call('DELETE /api/v1/me/downloads/{id}', { ...as, params: { id: download } }),
    call('DELETE /api/v1/me/downloads', { ...as, query: `device=${DOWNLOAD_DEVICE}` }),
  ])
  await call('POST /api/v1/auth/logout-all', as)
}

/** An account's whole life through the API: sign-up, a second sign-up refused, login, recovery attempts, deletion. */
async function accountLife() {
  const email = uniqueEmail('openapi')
  const password = 'correct horse battery'
  await recordOwner(email)
  await call('POST /api/v1/auth/signup', { body: { email, password } })
  const [{ body: first }] = await Promise.all([
    call('POST /api/v1/auth/login', { body: { email, password } }),
    call('POST /api/v1/auth/signup', { body: { email, password } }), // 409
    call('POST /api/v1/auth/password-reset', { body: { email } }),
    call('POST /api/v1/auth/password-reset/confirm', { body: { token: 'not-a-token', password } }), // 400
    call('POST /api/v1/auth/verify-email', { body: { token: 'not-a-token' } }), // 400
  ])
  await call('DELETE /api/v1/me', { token: first.token, body: { current_password: password } })
  await call('GET /api/v1/me', { token: first.token }) // 401
}

/** The catalog and the system routes, and the errors any client meets. */
async function publicRoutes() {
  await Promise.all([
    ...['popular', 'top_rated', 'now_playing', 'trending'].map((list) => call(`GET /api/v1/movies/${list}`)),
    call('GET /api/v1/movies/popular', { query: 'page=0' }), // 422
    call('GET /api/v1/movies/search', { query: 'q=army' }),
    call('GET /api/v1/movies/{id}', { params: { id: VIDEO_FILM } }),
    call('GET /api/v1/movies/{id}', { params: { id: 123 } }), // 404
    call('GET /api/v1/movies/{id}', { params: { id: 'abc' } }), // 400
    call('GET /api/v1/movies/{id}/providers', { params: { id: VIDEO_FILM }, query: 'region=DE' }),
    call('GET /api/v1/movies/{id}/providers', { params: { id: VIDEO_FILM }, query: 'region=usa' }), // 422
    call('GET /api/v1/genres'),
    call('GET /api/v1/genres/{id}/movies', { params: { id: 18 } }),
    call('GET /api/v1/people/{id}', { params: { id: 1129408218 } }), // Sam Raimi, the bundled director of VIDEO_FILM
    call('GET /api/v1/people/{id}', { params: { id: 1000000000 } }), // 404
    call('GET /api/v1/people/{id}', { params: { id: 'abc' } }), // 400
    call('GET /livez'),
    call('GET /healthz'),
    call('GET /movie/{title}', { params: { title: 'Army of Darkness' } }),
    call('GET /api/v1/openapi.json'),
  ])
}

beforeAll(async () => {
  const [operator, viewer] = [signUpOperator(OPERATOR_EMAILS.openapi), signUp()]
  // Four independent stories at once (most of the time is waiting on DynamoDB Local and Argon2).
  const [subscription, download] = await Promise.all([
    viewer.then(viewerData),
    Promise.all([operator.then(videoLibrary), viewer]).then(([video, user]) => watching(user, video)),
    publicRoutes(),
    accountLife(),
  ])
  await viewerReads(await viewer, subscription, download)
  doc = answers.find((answer) => answer.operation === 'GET /api/v1/openapi.json')!.json as typeof doc
}, 60_000)

describe('the API document against live answers', () => {
  it('should answer each call with a status the document lists for its route, and a body its schema accepts', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true })
    addFormats(ajv)
    // One validator per documented response, however many answers it judges (compiling is the slow part).
    const validators = new Map<JsonSchema, ValidateFunction>()
    const problems: string[] = []
    for (const { operation, status, json, text } of answers) {
      const [method, path] = operation.split(' ') as [string, string]
      const response = doc.paths[path]?.[method.toLowerCase()]?.responses[status]
      if (!response) {
        problems.push(`${operation} → ${status}: a status the document does not list (${text.slice(0, 120)})`)
        continue
      }
      const schema = response.content?.['application/json']?.schema
      if (!schema) {
        if (json !== undefined) problems.push(`${operation} → ${status}: a JSON body the document declares none for (${text.slice(0, 120)})`)
        continue
      }
      const validate = validators.get(schema) ?? ajv.compile(strictSchema(schema, doc.components.schemas))
      validators.set(schema, validate)
      if (!validate(json)) {
        problems.push(...(validate.errors ?? []).map((e) => `${operation} → ${status}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`))
      }
    }
    expect(problems).toEqual([])
  })

  it('should have called every documented operation', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    const called = new Set(answers.map((answer) => answer.operation))
    expect(documented.filter((operation) => !called.has(operation))).toEqual([])
  })
})
