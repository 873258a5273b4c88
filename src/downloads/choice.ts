/**
 * What a download of a video may hold: the qualities offered, their sizes, and the audio and subtitle tracks kept.
 * Pure functions of the video's outputs (src/videos/hls.ts's HlsOutputs), shared by the options the Download button
 * shows and the download itself, so the size shown before starting is the size recorded.
 */
import type { DownloadableVideo } from '../videos'

type Outputs = DownloadableVideo['hls']
type Rendition = Outputs['renditions'][number]
type Audio = Outputs['audio'][number]

/** The rungs a download offers when the video has them: enough for a phone or a laptop, not a 4K television's worth. */
export const OFFERED_RUNGS = [480, 720, 1080] as const

export interface QualityOption {
  /** '480p' */
  quality: string
  /** The rendition's picture height (a 2.39:1 film's 720p rung is 536 high). */
  height: number
  /** The whole film at this quality with one audio track. */
  bytes: number
  bytes_per_hour: number
}

export interface DownloadOptions {
  videoId: string
  /** Seconds. */
  duration: number
  /** Smallest first. */
  qualities: QualityOption[]
}

/** The rung a rendition belongs to: its playlist's folder (`v480/index.m3u8` → 480); null for any other layout. */
export const rungOf = (rendition: Rendition): number | null => {
  const match = /^v(\d+)\//.exec(rendition.playlist)
  return match ? Number(match[1]) : null
}

/** The audio rendition a player starts with: the one marked default, else the first (as the master says). */
export const originalAudio = (outputs: Outputs): Audio | undefined => outputs.audio.find((audio) => audio.default) ?? outputs.audio[0]

/** Bytes for `seconds` of a rendition and `audio` tracks: average bit rates, so an estimate (segments vary around it). */
export const estimate = (rendition: Rendition, audio: readonly Audio[], seconds: number): number =>
  Math.round(((rendition.average_bandwidth + audio.reduce((sum, track) => sum + track.bandwidth, 0)) * seconds) / 8)

/** The renditions a download may use, by quality name: the offered rungs the video has, else its highest rung alone. */
export function downloadRenditions(outputs: Outputs): Map<string, Rendition> {
  const byRung = new Map<number, Rendition>()
  for (const rendition of outputs.renditions) {
    const rung = rungOf(rendition)
    if (rung !== null && !byRung.has(rung)) byRung.set(rung, rendition)
  }
  const offered = [...byRung.keys()].filter((rung) => (OFFERED_RUNGS as readonly number[]).includes(rung))
  const rungs = offered.length ? offered : [...byRung.keys()].sort((a, b) => b - a).slice(0, 1)
  return new Map(rungs.sort((a, b) => a - b).map((rung) => [`${rung}p`, byRung.get(rung)!]))
}

export function downloadOptions(video: DownloadableVideo): DownloadOptions {
  const original = originalAudio(video.hls)
  const audio = original ? [original] : []
  const qualities = [...downloadRenditions(video.hls)].map(([quality, rendition]) => ({
    quality,
    height: rendition.height,
    bytes: estimate(rendition, audio, video.hls.duration),
    bytes_per_hour: estimate(rendition, audio, 3600),
  }))
  return { videoId: video.videoId, duration: video.hls.duration, qualities }
}

/** Same language: `pt-BR` is Portuguese for a viewer whose language is `pt`. */
const sameLanguage = (a: string, b: string) => a.split('-')[0]!.toLowerCase() === b.split('-')[0]!.toLowerCase()

/** The original audio and the viewer's language (when the video has it): each once, the original first. */
export function chosenAudio(outputs: Outputs, language: string): Audio[] {
  const original = originalAudio(outputs)
  const mine = outputs.audio.find((audio) => sameLanguage(audio.lang, language))
  return [...new Set([original, mine].filter((audio): audio is Audio => audio !== undefined))]
}

/** Subtitles in the viewer's language and in English, those the video's current master lists (its languages as keyed there). */
export function chosenSubtitles(masterSubtitles: Record<string, string>, language: string): string[] {
  const langs = Object.keys(masterSubtitles).sort()
  const pick = (wanted: string) => langs.find((lang) => lang.toLowerCase() === wanted.toLowerCase()) ?? langs.find((lang) => sameLanguage(lang, wanted))
  return [...new Set([pick(language), pick('en')].filter((lang): lang is string => lang !== undefined))]
}
