import type { Translator } from '../../../src/i18n/translator'

/** How the admin video pages write sizes and durations (src/videos/pages.tsx uses formatBytes for its limits too). */

const UNITS = ['kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const

/** A size in the reader's units ("7.5 MB", "7,5 Mo"), 1024-based as file managers show them; never below kilobytes. */
export function formatBytes(bytes: number, t: Translator): string {
  let value = Math.max(0, bytes) / 1024
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return t.number(value, { style: 'unit', unit: UNITS[unit], unitDisplay: 'short', maximumFractionDigits: value < 10 && value > 0 ? 1 : 0 })
}

