import { chmodSync, chownSync, lchownSync, mkdirSync, readdirSync, rmSync, writeFileSync, type Dirent } from 'node:fs'
import { join, relative } from 'node:path'
import { HEARTBEAT_MS, type Claim, type TranscodeJobs } from '../videos/transcode-jobs'
import { hlsArgs, hlsLayout, mp4Args, posterArgs, probeArgs, spriteArgs } from './ffmpeg-args'
import { planLadder, type LadderPlan } from './ladder'
import { jobTimeoutMs, type TranscodeLimits } from './limits'
import { describeOutputs } from './outputs'
import { checkSource, parseProbe, type SourceProbe } from './probe'
import { estimateOutputBytes, scratchShortfall, type ScratchSpace } from './scratch'
import { noTaskProtection, type TaskProtection } from './task-protection'
import { progressFrom, runsAsRoot, runTool, ToolFailedError, ToolTimeoutError, UNPRIVILEGED } from './tool'
import { spriteLayout, thumbnailsVtt } from './trickplay'

/** How the transcoder reaches the media: the store directly (Node, S3 or a folder) or the app's signed routes. */
export interface MediaAccess {
  /** Writes the video's uploaded source to `path`. */
  fetchSource(videoId: string, path: string): Promise<void>
  /** Stores `path` as `relativeKey` under the video's ladder folder (`videos/<id>/v<ladder>/`). */
  putOutput(videoId: string, ladder: number, relativeKey: string, path: string): Promise<void>
}

export interface JobDeps {
  jobs: Pick<TranscodeJobs, 'claim' | 'progress' | 'fail' | 'ready' | 'release'>
  media: MediaAccess
  limits: TranscodeLimits
  /** Where each job gets its own folder (removed when the job ends, however it ends). */
  scratchRoot: string
  /** How much room a job has there; unset: not checked. */
  scratchSpace?: ScratchSpace
  /** Keeps ECS from scaling in the task while a job runs (task-protection.ts); unset: nothing to protect. */
  protection?: TaskProtection
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
  const job = jobControl(message.videoId, deps)
  try {
    const ladder = Math.max(1, claim.item.ladder)
    const outputs = await transcode({ id: message.videoId, size: claim.item.size }, ladder, scratch, { ...deps, signal: job.signal }, job)
    const ready = await deps.jobs.ready(message.videoId, outputs)
    deps.log(`transcoder: ${message.videoId} ${ready ? 'ready' : 'changed state meanwhile'}`)
    return ready ? 'ready' : 'skipped'
  } catch (error) {
    if (job.gone()) {
      deps.log(`transcoder: ${message.videoId} stopped: the video was cancelled or deleted`)
      return 'skipped'
    }
    if (error instanceof JobFailure) {
      await deps.jobs.fail(message.videoId, error.reason)
      deps.log(`transcoder: ${message.videoId} failed: ${error.reason}`)
      return 'failed'
    }
    // Tried again on the next delivery: let go of the video (unreachable store: the heartbeat ages out instead).
    await deps.jobs.release(message.videoId).catch(() => undefined)
    throw error
  } finally {
    job.end()
    rmSync(scratch, { recursive: true, force: true })
  }
}

interface JobControl {
  /** Aborts the tools when the transcoder stops or the video stops being this job's. */
  signal: AbortSignal
  /** The latest fraction done, for the heartbeat. */
  done: number
  /** Whether the video was cancelled, deleted or failed under the job. */
  gone(): boolean
  /** Says it is alive now; false once the video is gone (and the job is then aborted). */
  beat(fraction?: number): Promise<boolean>
  end(): void
}

/** A job's scale-in protection lasts this long and is renewed once half of it is gone (the heartbeat checks). */
const PROTECTION_MINUTES = 30

function jobControl(videoId: string, deps: JobDeps): JobControl {
  const protection = deps.protection ?? noTaskProtection
  let protectedAt = Date.now()
  void protection.protect(PROTECTION_MINUTES)
  const controller = new AbortController()
  const stop = () => controller.abort()
  deps.signal?.addEventListener('abort', stop, { once: true })
  let gone = false
  const control: JobControl = {
    signal: controller.signal,
    done: 0,
    gone: () => gone,
    async beat(fraction) {
      if (fraction !== undefined) control.done = fraction
      if (gone) return false
      if (await deps.jobs.progress(videoId, control.done)) return true
      gone = true
      controller.abort()
      return false
    },
    end() {
      clearInterval(timer)
      deps.signal?.removeEventListener('abort', stop)
      void protection.release()
    },
  }
  const timer = setInterval(() => {
    if (Date.now() - protectedAt >= (PROTECTION_MINUTES / 2) * 60_000) {
      protectedAt = Date.now()
      void protection.protect(PROTECTION_MINUTES)
    }
    control.beat().catch((error: unknown) => deps.log(`transcoder: heartbeat of ${videoId} not written (${String(error)})`))
  }, HEARTBEAT_MS)
  return control
}

/**
 * A folder the tools may write in. When the transcoder is root they run as `nobody` (tool.ts): the folder is theirs
 * alone (0700), so no other local user can reach into a job.
 */
function openFolder(path: string): void {
  mkdirSync(path, { recursive: true })
  if (runsAsRoot()) chownSync(path, UNPRIVILEGED.uid, UNPRIVILEGED.gid)
  chmodSync(path, 0o700)
}

/**
 * After the last tool run, before the transcoder itself reads or writes anything in the job's folder: everything
 * there must be a plain file or folder (an ffmpeg subverted by the file could have left a symlink to a secret for
 * us to upload, or to a system file for us to overwrite), and under root it is taken back from `nobody`, so
 * nothing can change it any more.
 */
function reclaim(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) reclaim(path)
    else if (!entry.isFile()) throw new JobFailure('the transcoder refused what ffmpeg wrote')
    if (runsAsRoot()) lchownSync(path, 0, 0)
  }
  if (runsAsRoot()) lchownSync(dir, 0, 0)
}

async function transcode(video: { id: string; size: number }, ladder: number, scratch: string, deps: JobDeps, job: JobControl) {
  const videoId = video.id
  // Measured before anything is written: a source that alone would not fit is not even downloaded.
  const room = deps.scratchSpace?.available() ?? Number.POSITIVE_INFINITY
  const tooBig = scratchShortfall(video.size, 0, room)
  if (tooBig) throw new JobFailure(tooBig)
  const source = join(scratch, 'source')
  await deps.media.fetchSource(videoId, source)
  const probe = await probeSource(source, scratch, deps)
  const refusal = checkSource(probe, deps.limits)
  if (refusal) throw new JobFailure(refusal)
  const plan = planLadder(probe)
  const noRoom = scratchShortfall(video.size, estimateOutputBytes(plan), room)
  if (noRoom) throw new JobFailure(noRoom)
  const out = join(scratch, 'out')
  openFolder(out)
  // One wall-clock budget for the whole job, shared by its ffmpeg runs.
  const deadline = Date.now() + jobTimeoutMs(plan.duration)
  const remaining = () => Math.max(1, deadline - Date.now())
  const report = progressReporter(plan, deps, job)
  const common = { input: source, ...(deps.threads ? { threads: deps.threads } : {}) }
  await ffmpeg(deps, hlsArgs(plan, { ...common, outDir: out }), scratch, remaining(), (line) => report(line, 0, 0.85))
  await ffmpeg(deps, mp4Args(plan, { ...common, output: join(out, 'download.mp4') }), scratch, remaining(), (line) => report(line, 0.85, 0.1))
  await ffmpeg(deps, posterArgs(plan, { ...common, output: join(out, 'poster.jpg') }), scratch, remaining())
  const thumbs = join(out, 'thumbs')
  openFolder(thumbs)
  await ffmpeg(deps, spriteArgs(plan, { ...common, outDir: thumbs }), scratch, remaining())
  reclaim(scratch)
  // ffprobe (as nobody) reads the outputs' headers from files the transcoder writes here (outputs.ts): others may
  // pass through the folder and read what they are named, no more.
  if (runsAsRoot()) chmodSync(scratch, 0o711)
  writeFileSync(join(thumbs, 'thumbs.vtt'), thumbnailsVtt(plan.duration, spriteLayout(plan)), { flag: 'wx' })
  const outputs = await describeOutputs(
    plan,
    { root: out, streams: hlsLayout(plan, out), mp4: join(out, 'download.mp4'), poster: join(out, 'poster.jpg'), thumbnails: join(thumbs, 'thumbs.vtt') },
    ladder,
    deps.ffprobe,
  )
  // Nothing goes up for a video cancelled or deleted meanwhile (its folder would be orphaned).
  if (!(await job.beat(0.96))) throw new Error('the video is gone')
  await uploadAll(videoId, ladder, out, deps, job)
  return outputs
}

async function probeSource(source: string, scratch: string, deps: JobDeps): Promise<SourceProbe> {
  let json: string
  try {
    json = await runTool({ command: deps.ffprobe, args: probeArgs(source), cwd: scratch, timeoutMs: 60_000, collectStdout: true, signal: deps.signal })
  } catch (error) {
    if (error instanceof ToolTimeoutError) throw new JobFailure('timed out')
    // A refused demuxer or a file ffprobe cannot read at all: not a container this transcoder accepts. (Killed by a
    // signal, stopped, or not there at all: not the file's fault, so the message comes back.)
    if (error instanceof ToolFailedError && typeof error.exit === 'number') throw new JobFailure('unsupported container')
    throw error
  }
  try {
    return parseProbe(json)
  } catch {
    throw new JobFailure('unsupported container')
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
function progressReporter(plan: LadderPlan, deps: JobDeps, job: JobControl) {
  const every = deps.progressEveryMs ?? 5_000
  let last = 0
  return (line: string, start: number, share: number) => {
    const fraction = progressFrom(line, plan.duration)
    if (fraction === null || Date.now() - last < every) return
    last = Date.now()
    job.beat(start + share * fraction).catch((error: unknown) => deps.log(`transcoder: progress not written (${String(error)})`))
  }
}

/** Every file under `out`, a few at a time (the master goes last, from TranscodeJobs.ready); stops if the video goes. */
async function uploadAll(videoId: string, ladder: number, out: string, deps: JobDeps, job: JobControl): Promise<void> {
  const files = (readdirSync(out, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
  const queue = [...files]
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      if (job.signal.aborted) throw new Error('the job was stopped')
      await deps.media.putOutput(videoId, ladder, relative(out, file), file)
    }
  }
  await Promise.all(Array.from({ length: 4 }, worker))
}
