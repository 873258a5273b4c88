import { statfsSync } from 'node:fs'
import { AUDIO_OUTPUT, mp4Rendition, type LadderPlan } from './ladder'

/**
 * How much room a job has in the scratch folder: what the file system has free, bounded by TRANSCODE_SCRATCH_SIZE
 * where the file system cannot say (a Kubernetes emptyDir's sizeLimit is enforced by eviction, while statfs shows
 * the whole node's disk). On Fargate the task's ephemeral storage is what statfs shows.
 */
export interface ScratchSpace {
  /** Bytes the next job may write, measured now. */
  available(): number
}

const UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 }

/** A size as Kubernetes writes quantities (`100Gi`, `50G`, `500Mi`) or a number of bytes; throws on anything else. */
export function parseSize(raw: string): number {
  const match = /^([1-9][0-9]*)(|k|M|G|T|Ki|Mi|Gi|Ti)$/.exec(raw.trim())
  if (!match) throw new Error(`TRANSCODE_SCRATCH_SIZE must be a size such as 100Gi, 50G or a number of bytes, got ${JSON.stringify(raw)}`)
  return Number(match[1]) * UNITS[match[2]!]!
}

export function scratchSpace(root: string, limit?: string): ScratchSpace {
  const bound = limit?.trim() ? parseSize(limit) : Number.POSITIVE_INFINITY
  return {
    available() {
      const stats = statfsSync(root)
      return Math.min(bound, stats.bavail * stats.bsize)
    },
  }
}

/** Room for container overhead, the poster and the sprites, and rate control running over its average. */
const HEADROOM = 1.15

/**
 * What the job writes besides the source: every HLS rendition at its peak rate, the download MP4 and every audio
 * track, for the film's duration. An upper estimate: x264 holds the average, and the peak (maxrate) is ~7 % over.
 */
export function estimateOutputBytes(plan: LadderPlan): number {
  const audioKbps = AUDIO_OUTPUT.bitrateKbps
  const kbps = plan.video.reduce((sum, rung) => sum + rung.maxrateKbps, 0) + plan.audio.length * audioKbps + mp4Rendition(plan).maxrateKbps + (plan.audio.length ? audioKbps : 0)
  return Math.ceil(((plan.duration * kbps * 1000) / 8) * HEADROOM)
}

/** 1.2 GB, 350 MB, 90 KB: an operator reads it in the failure reason. */
function gb(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`
  return bytes >= 1e6 ? `${Math.round(bytes / 1e6)} MB` : `${Math.ceil(bytes / 1e3)} KB`
}

/** The failure reason when the source plus its estimated outputs would not fit, else null. */
export function scratchShortfall(sourceBytes: number, outputBytes: number, availableBytes: number): string | null {
  const need = sourceBytes + outputBytes
  if (need <= availableBytes) return null
  const parts = outputBytes > 0 ? `the source (${gb(sourceBytes)}) and its renditions (about ${gb(outputBytes)})` : `the source (${gb(sourceBytes)})`
  return `not enough scratch space: ${parts} need ${gb(need)}, the transcoder has ${gb(availableBytes)}`
}
