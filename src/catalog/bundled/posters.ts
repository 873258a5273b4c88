import { encodePng, hslToRgb, type Rgb } from '../../shared/png'
import { genreName } from '../genres'
import type { Film } from './data'

/**
 * Generated artwork for bundled films (the dataset has no images): an SVG with the title wrapped to fit,
 * the year and genre, on a gradient whose hue comes from the film's first genre, shifted a little by its id.
 * Posters are 2:3 (500×750), backdrops 16:9 (1280×720). All text is XML-escaped.
 *
 * Pages use the PNG variant (the same gradient, without text: the card and the film page print the title
 * beside it): Chromium lays out and paints every SVG <img> as a document of its own on the main thread
 * (≈ 15 ms each here, 200 ms for a home page's first row), a tiny PNG costs almost nothing to decode.
 */

const GENRE_HUES: Record<number, number> = {
  28: 8, 12: 32, 35: 48, 99: 180, 18: 215, 10751: 95, 14: 275, 36: 25, 27: 350, 10402: 300, 10749: 330, 878: 195, 53: 240, 37: 20,
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

function hueOf(film: Film): number {
  const base = GENRE_HUES[film.genreIds[0] ?? -1] ?? 210
  return (base + (film.id % 29) - 14 + 360) % 360
}

/** Greedy word wrap; a word longer than a line is cut; more than maxLines ends with an ellipsis. */
export function wrapTitle(title: string, perLine: number, maxLines: number): string[] {
  const lines: string[] = []
  let current = ''
  for (const raw of title.split(/\s+/)) {
    const word = raw.length > perLine ? `${raw.slice(0, perLine - 1)}…` : raw
    if (!current) current = word
    else if (current.length + 1 + word.length <= perLine) current += ` ${word}`
    else {
      lines.push(current)
      current = word
    }
  }
  if (current) lines.push(current)
  if (lines.length <= maxLines) return lines
  const kept = lines.slice(0, maxLines)
  kept[maxLines - 1] = `${kept[maxLines - 1]!.replace(/.$/, '')}…`
  return kept
}

function subtitle(film: Film): string {
  const genre = film.genreIds[0] === undefined ? undefined : genreName(film.genreIds[0])
  return [film.year ? String(film.year) : '', genre ?? ''].filter(Boolean).join(' · ')
}

function titleBlock(lines: string[], x: number, firstY: number, size: number, anchor: 'middle' | 'start'): string {
  return lines
    .map(
      (line, i) =>
        `<text x="${x}" y="${firstY + i * size * 1.15}" font-size="${size}" font-weight="700" text-anchor="${anchor}" fill="#fff">${escapeXml(line)}</text>`,
    )
    .join('')
}

function frame(width: number, height: number, hue: number, label: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
    `<stop offset="0" stop-color="hsl(${hue} 65% 38%)"/><stop offset="1" stop-color="hsl(${(hue + 40) % 360} 70% 12%)"/>` +
    `</linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>` +
    `<g font-family="Helvetica, Arial, sans-serif">${body}</g></svg>`
  )
}

export function posterSvg(film: Film): string {
  const size = film.title.length > 40 ? 46 : film.title.length > 20 ? 56 : 68
  const perLine = Math.floor(430 / (size * 0.56))
  const lines = wrapTitle(film.title, perLine, 6)
  const firstY = 375 - ((lines.length - 1) * size * 1.15) / 2
  const body =
    titleBlock(lines, 250, firstY, size, 'middle') +
    `<text x="250" y="690" font-size="30" text-anchor="middle" fill="#fff" fill-opacity="0.8">${escapeXml(subtitle(film))}</text>` +
    `<rect x="40" y="40" width="420" height="670" fill="none" stroke="#fff" stroke-opacity="0.25" stroke-width="3"/>`
  return frame(500, 750, hueOf(film), `Poster: ${film.title}`, body)
}

export function backdropSvg(film: Film): string {
  const size = film.title.length > 40 ? 64 : 84
  const perLine = Math.floor(1000 / (size * 0.56))
  const lines = wrapTitle(film.title, perLine, 3)
  const firstY = 560 - (lines.length - 1) * size * 1.15
  const body =
    `<circle cx="1080" cy="170" r="320" fill="#fff" fill-opacity="0.06"/>` +
    titleBlock(lines, 80, firstY, size, 'start') +
    `<text x="80" y="650" font-size="34" fill="#fff" fill-opacity="0.8">${escapeXml(subtitle(film))}</text>`
  return frame(1280, 720, hueOf(film), `Backdrop: ${film.title}`, body)
}

const mix = (from: Rgb, to: Rgb, t: number): Rgb => {
  const at = (i: 0 | 1 | 2) => Math.round(from[i] + (to[i] - from[i]) * t)
  return [at(0), at(1), at(2)]
}

/** The SVG's diagonal gradient at a size the browser scales up without visible steps (it is linear). */
function gradientPng(film: Film, width: number, height: number): Uint8Array {
  const hue = hueOf(film)
  const from = hslToRgb(hue, 65, 38)
  const to = hslToRgb((hue + 40) % 360, 70, 12)
  return encodePng(width, height, (x, y) => mix(from, to, ((x + 0.5) / width + (y + 0.5) / height) / 2))
}

export const posterPng = (film: Film) => gradientPng(film, 16, 24)
export const backdropPng = (film: Film) => gradientPng(film, 32, 18)
