import { accessSync, chmodSync, constants, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { TRANSCODE_QUEUE } from '../../infra/resources'
import { DynamoDb } from '../aws/dynamodb'
import { Sns } from '../aws/sns'
import { Sqs } from '../aws/sqs'
import { createOutbox } from '../events/outbox'
import { nodeAwsCredentials, nodeMediaStore } from '../main/node/aws-access'
import { VideoStore } from '../videos/store'
import { TranscodeJobs } from '../videos/transcode-jobs'
import { transcoderConfig } from './config'
import { runJob } from './job'
import { limitsFromEnv } from './limits'
import { storeMediaAccess } from './media-access'
import { httpMediaAccess } from './media-http'
import { scratchSpace } from './scratch'
import { taskProtectionFromEnv } from './task-protection'
import { runsAsRoot } from './tool'
import { consumeTranscodeQueue } from './worker'

/** How often queued videos nobody works on are announced again (and once at start). */
const REPUBLISH_EVERY_MS = 5 * 60_000

export interface Transcoder {
  /** Ends after the running job is stopped (its process group killed, its scratch folder removed). */
  stop(): Promise<void>
  done: Promise<void>
}

/**
 * `npm run transcoder`: takes `video.uploaded` from TRANSCODE_QUEUE_URL and runs each job (src/transcoder/job.ts).
 * The media: through the app's signed internal routes when TRANSCODER_MEDIA_URL names the app (beside `npm start`,
 * or a Workers deployment), else the Node app's own store (MEDIA_S3_BUCKET or MEDIA_DIR).
 */
export function startTranscoder(vars: Record<string, string | undefined>, log: (line: string) => void = console.log): Transcoder {
  const strings = Object.fromEntries(Object.entries(vars).filter((entry): entry is [string, string] => entry[1] !== undefined))
  const config = transcoderConfig(strings)
  const queueUrl = strings.TRANSCODE_QUEUE_URL!
  const credentials = nodeAwsCredentials(strings, config)
  const aws = credentials ? { credentials } : {}
  const db = DynamoDb.fromConfig(config, aws)
  const pending = new Set<Promise<unknown>>()
  const defer = (work: Promise<unknown>) => {
    const tracked = work.catch(() => undefined).finally(() => pending.delete(tracked))
    pending.add(tracked)
  }
  const outbox = createOutbox({ db, table: config.DYNAMODB_TABLE, topicArn: config.SNS_TOPIC_ARN, topic: () => Sns.fromConfig(config, aws), defer })
  const viaApp = strings.TRANSCODER_MEDIA_URL
  const http = viaApp ? httpMediaAccess({ appUrl: viaApp, secret: config.mediaWriteSecret }) : undefined
  const store = viaApp ? undefined : nodeMediaStore(config, credentials)
  const media = http ?? storeMediaAccess(store!)
  const playlists = http ? { put: async (key: string, body: unknown) => (await http.putText(key, String(body)), { etag: '' }) } : store!
  const jobs = new TranscodeJobs({ store: new VideoStore(db, config.DYNAMODB_TABLE), outbox, media: playlists })

  // One folder per job under the scratch root; whatever a killed transcoder left there goes now.
  const scratchRoot = strings.TRANSCODE_SCRATCH_DIR || join(tmpdir(), 'flixpeek-transcoder')
  mkdirSync(scratchRoot, { recursive: true })
  if (runsAsRoot()) {
    // The tools run as `nobody` when the transcoder is root (tool.ts): they must be able to walk into it.
    chmodSync(scratchRoot, 0o755)
    assertReachableByOthers(scratchRoot)
  }
  // A mounted volume's root may belong to root (an emptyDir, a Fargate volume): writing in it is all it takes.
  accessSync(scratchRoot, constants.W_OK | constants.X_OK)
  const emptyScratch = () => {
    for (const entry of readdirSync(scratchRoot)) rmSync(join(scratchRoot, entry), { recursive: true, force: true })
  }
  emptyScratch()

  const controller = new AbortController()
  const limits = limitsFromEnv(strings)
  const space = scratchSpace(scratchRoot, strings.TRANSCODE_SCRATCH_SIZE)
  const protection = taskProtectionFromEnv(strings, log)
  const threads = Number(strings.TRANSCODE_THREADS) || undefined
  const republish = () =>
    jobs.republishStale().then(
      (ids) => ids.length && log(`transcoder: announced ${ids.length} waiting video(s) again`),
      (error: unknown) => log(`transcoder: could not look for waiting videos (${String(error)})`),
    )
  void republish()
  const timer = setInterval(republish, REPUBLISH_EVERY_MS)
  const done = consumeTranscodeQueue({
    // A receive long-polls 20 s: each attempt may take that long before it counts as unanswered.
    queue: Sqs.fromConfig(config, { ...aws, attemptTimeoutMs: 30_000 }),
    queueUrl,
    // The queue's own settings (infra/resources.ts), unless the deployment changed them.
    maxReceiveCount: Number(strings.TRANSCODE_MAX_RECEIVES) || TRANSCODE_QUEUE.maxReceiveCount,
    visibilitySeconds: TRANSCODE_QUEUE.visibilityTimeoutSeconds,
    signal: controller.signal,
    log,
    run: (message) =>
      runJob(message, {
        jobs,
        media,
        limits,
        scratchRoot,
        scratchSpace: space,
        protection,
        ffmpeg: strings.FFMPEG || 'ffmpeg',
        ffprobe: strings.FFPROBE || 'ffprobe',
        ...(threads ? { threads } : {}),
        log,
        signal: controller.signal,
      }),
  }).finally(() => clearInterval(timer))
  return {
    done,
    async stop() {
      controller.abort()
      await done
      await Promise.all(pending)
      // Its contents, not the folder: it may be a volume's mount point.
      emptyScratch()
    },
  }
}

/**
 * Every folder above the scratch root must let others through (`o+x`): otherwise ffprobe, run as `nobody`, cannot
 * open any source, and every upload would fail as "unsupported container". Said once, at start.
 */
function assertReachableByOthers(path: string): void {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(`TRANSCODE_SCRATCH_DIR ${path}: ${dir} is closed to other users, and the tools run as nobody when the transcoder is root; pick a folder under ${tmpdir()} or open it (chmod o+x)`)
    }
    if (dirname(dir) === dir) return
  }
}
