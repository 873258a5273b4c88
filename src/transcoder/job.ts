import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync, type Dirent } from 'node:fs'
import { join, relative } from 'node:path'
import type { Claim, TranscodeJobs } from '../videos/transcode-jobs'
import { hlsArgs, hlsLayout, mp4Args, posterArgs, probeArgs, spriteArgs } from './ffmpeg-args'
import { planLadder, type LadderPlan } from './ladder'
import { jobTimeoutMs, type TranscodeLimits } from './limits'
import { describeOutputs } from './outputs'
import { checkSource, parseProbe, type SourceProbe } from './probe'
import { progressFrom, runTool, ToolFailedError, ToolTimeoutError } from './tool'
import { spriteLayout, thumbnailsVtt } from './trickplay'

/** How the transcoder reaches the media: the store directly (Node, S3 or a folder) or the app's signed routes. */
export interface MediaAccess {
  /** Writes the video's uploaded source to `path`. */
  fetchSource(videoId: string, path: string): Promise<void>
  /** Stores `path` as `relativeKey` under the video's ladder folder (`videos/<id>/v<ladder>/`). */
  putOutput(videoId: string, ladder: number, relativeKey: string, path: string): Promise<void>
}

export interface JobDeps {
  jobs: Pick<TranscodeJobs, 'claim' | 'progress' | 'fail' | 'ready'>
  media: MediaAccess
  limits: TranscodeLimits
  /** Where each job gets its own folder (removed when the job ends, however it ends). */
  scratchRoot: string
  ffmpeg: string
  ffprobe: string
  /** Encoder threads (the sample videos use 1; unset: ffmpeg's choice). */
  threads?: number
  /** Progress reaches the row at most this often (≤ 10 s, the promise to operators). */
  progressEveryMs?: number
  log: (line: string) => void
  signal?: AbortSignal
}

export interface JobMessage {
  videoId: string
  attempt: number
  /** This delivery is the queue's last before the dead-letter queue. */
  lastDelivery: boolean
}

export type JobOutcome = 'ready' | 'failed' | 'skipped'

const VIDEO_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/

/** A failure an operator can act on, and whether retrying the same file could succeed (not for a bad file). */
class JobFailure extends Error {
  constructor(readonly reason: string) {
    super(reason)
  }
}

/**
 * One `video.uploaded` message, from claim to `ready` (or `failed` with a reason). Throws only for what may go
 * better on another delivery (the store or the app unreachable): the message then comes back, and its last
 * delivery fails the video instead (claim).
 */
export async function runJob(message: JobMessage, deps: JobDeps): Promise<JobOutcome> {
  if (!VIDEO_ID.test(message.videoId)) return 'skipped' // never a path built from a malformed id
  const claim: Claim = await deps.jobs.claim(message.videoId, message.attempt, message.lastDelivery)
  if (claim.kind === 'skip') {
    deps.log(`transcoder: ${message.videoId} skipped (${claim.reason})`)
    return 'skipped'
  }
  const scratch = join(deps.scratchRoot, `${message.videoId}-${message.attempt}`)
  rmSync(scratch, { recursive: true, force: true })
  openFolder(scratch)
  try {
    const ladder = Math.max(1, claim.item.ladder)
    const outputs = await transcode(message.videoId, ladder, scratch, deps)
    const ready = await deps.jobs.ready(message.videoId, outputs)
    deps.log(`transcoder: ${message.videoId} ${ready ? 'ready' : 'changed state meanwhile'}`)
    return ready ? 'ready' : 'skipped'
  } catch (error) {
    if (error instanceof JobFailure) {
      await deps.jobs.fail(message.videoId, error.reason)
      deps.log(`transcoder: ${message.videoId} failed: ${error.reason}`)
      return 'failed'
    }
    throw error
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** A folder the tools may write in: they run as another user when the transcoder is root (tool.ts). */
function openFolder(path: string): void {
  mkdirSync(path, { recursive: true })
  chmodSync(path, 0o777)
}

async function transcode(videoId: string, ladder: number, scratch: string, deps: JobDeps) {
  const source = join(scratch, 'source')
  await deps.media.fetchSource(videoId, source)
  const probe = await probeSource(source, scratch, deps)
  const refusal = checkSource(probe, deps.limits)
  if (refusal) throw new JobFailure(refusal)
  const plan = planLadder(probe)
  const out = join(scratch, 'out')
  openFolder(out)
  // One wall-clock budget for the whole job, shared by its ffmpeg runs.
  const deadline = Date.now() + jobTimeoutMs(plan.duration)
  const remaining = () => Math.max(1, deadline - Date.now())
  const report = progressReporter(videoId, plan, deps)
  const common = { input: source, ...(deps.threads ? { threads: deps.threads } : {}) }
  await ffmpeg(deps, hlsArgs(plan, { ...common, outDir: out }), scratch, remaining(), (line) => report(line, 0, 0.85))
  await ffmpeg(deps, mp4Args(plan, { ...common, output: join(out, 'download.mp4') }), scratch, remaining(), (line) => report(line, 0.85, 0.1))
  await ffmpeg(deps, posterArgs(plan, { ...common, output: join(out, 'poster.jpg') }), scratch, remaining())
  const thumbs = join(out, 'thumbs')
  openFolder(thumbs)
  await ffmpeg(deps, spriteArgs(plan, { ...common, outDir: thumbs }), scratch, remaining())
  writeFileSync(join(thumbs, 'thumbs.vtt'), thumbnailsVtt(plan.duration, spriteLayout(plan)))
  const outputs = await describeOutputs(
    plan,
    { root: out, streams: hlsLayout(plan, out), mp4: join(out, 'download.mp4'), poster: join(out, 'poster.jpg'), thumbnails: join(thumbs, 'thumbs.vtt') },
    ladder,
    deps.ffprobe,
  )
  await uploadAll(videoId, ladder, out, deps)
  return outputs
}

async function probeSource(source: string, scratch: string, deps: JobDeps): Promise<SourceProbe> {
  try {
    const json = await runTool({ command: deps.ffprobe, args: probeArgs(source), cwd: scratch, timeoutMs: 60_000, collectStdout: true, signal: deps.signal })
    return parseProbe(json)
  } catch (error) {
    if (error instanceof ToolTimeoutError) throw new JobFailure('timed out')
    // A refused demuxer or a file ffprobe cannot read at all: not a container this transcoder accepts.
    if (error instanceof ToolFailedError || error instanceof SyntaxError || (error instanceof Error && /ffprobe/.test(error.message))) throw new JobFailure('unsupported container')
    throw error
  }
}

async function ffmpeg(deps: JobDeps, args: string[], cwd: string, timeoutMs: number, onLine?: (line: string) => void): Promise<void> {
  try {
    await runTool({ command: deps.ffmpeg, args, cwd, timeoutMs, onStdoutLine: onLine, signal: deps.signal })
  } catch (error) {
    if (error instanceof ToolTimeoutError) throw new JobFailure('timed out')
    // Killed by a signal (the kernel's OOM killer, a crash): not the file's fault as far as we know, so the message
    // comes back and the job runs again; a file that kills ffmpeg every time ends on the queue's last delivery.
    if (error instanceof ToolFailedError && String(error.exit).startsWith('SIG')) throw new Error(`ffmpeg was killed (${error.exit})`)
    // ffmpeg exiting with an error on a file that passed ffprobe: the file is damaged.
    if (error instanceof ToolFailedError) throw new JobFailure('the file could not be decoded')
    throw error
  }
}

/** Maps one run's progress into the job's (`start` + share × run) and writes it at most every progressEveryMs. */
function progressReporter(videoId: string, plan: LadderPlan, deps: JobDeps) {
  const every = deps.progressEveryMs ?? 5_000
  let last = 0
  return (line: string, start: number, share: number) => {
    const fraction = progressFrom(line, plan.duration)
    if (fraction === null || Date.now() - last < every) return
    last = Date.now()
    void deps.jobs.progress(videoId, start + share * fraction).catch((error: unknown) => deps.log(`transcoder: progress of ${videoId} not written (${String(error)})`))
  }
}

/** Every file under `out`, a few at a time (the master goes last, from TranscodeJobs.ready). */
async function uploadAll(videoId: string, ladder: number, out: string, deps: JobDeps): Promise<void> {
  const files = (readdirSync(out, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
  const queue = [...files]
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) await deps.media.putOutput(videoId, ladder, relative(out, file), file)
  }
  await Promise.all(Array.from({ length: 4 }, worker))
}
