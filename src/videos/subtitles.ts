/**
 * Subtitle files as operators have them (SubRip .srt, or WebVTT) into WebVTT, the format HLS carries.
 * null when the text is neither: the caller answers 422.
 */
export function toWebVtt(text: string): string | null {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').trim()
  if (/^WEBVTT(?:[ \t].*)?(?:\n|$)/.test(normalised)) return `${normalised}\n`
  const cues = normalised.split(/\n{2,}/).flatMap((block) => {
    const lines = block.split('\n')
    const timing = lines.findIndex((line) => SRT_TIMING.test(line))
    if (timing < 0 || timing > 1) return []
    // WebVTT wants two-digit hours (SubRip files often have one) and a full stop before the milliseconds.
    const stamp = (time: string) => time.replace(',', '.').padStart(12, '0')
    const cue = lines[timing]!.replace(SRT_TIMING, (_, from: string, to: string) => `${stamp(from)} --> ${stamp(to)}`)
    // A line of "-->" inside the text would start a new cue in WebVTT: it cannot be a cue line.
    const body = lines.slice(timing + 1).map((line) => line.replace(/-->/g, '→'))
    return [[cue, ...body].join('\n')]
  })
  return cues.length ? `WEBVTT\n\n${cues.join('\n\n')}\n` : null
}

const SRT_TIMING = /^\s*(\d{1,2}:\d{2}:\d{2}[,.]\d{3})\s*-->\s*(\d{1,2}:\d{2}:\d{2}[,.]\d{3})\b.*$/
