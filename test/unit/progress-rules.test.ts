import { describe, expect, it } from 'vitest'
import { clampReportTime, isResumable, isWatched, watchStateOf } from '../../src/progress/rules'

/** When a film is worth resuming, watched, or abandoned, and what a report's time becomes (src/progress/rules.ts). */
const NOW = Date.UTC(2026, 11, 7, 12)
const DAY = 86_400_000
const ago = (days: number) => new Date(NOW - days * DAY).toISOString()

describe('watch progress rules', () => {
  it('offers to resume from 5 % and counts a film watched from 90 %', () => {
    expect([isResumable(4, 100), isResumable(5, 100), isResumable(89.9, 100), isResumable(90, 100)]).toEqual([false, true, true, false])
    expect([isWatched(89.9, 100), isWatched(90, 100), isWatched(0, 0)]).toEqual([false, true, false])
  })

  it('says what a film says of taste: watched, abandoned (under 10 % for a week, before resumed), resumed, or nothing yet', () => {
    expect(watchStateOf({ position: 20, duration: 100, at: ago(1), watched_at: ago(3) }, NOW)).toBe('watched')
    expect(watchStateOf({ position: 7, duration: 100, at: ago(8) }, NOW)).toBe('abandoned')
    expect(watchStateOf({ position: 2, duration: 100, at: ago(8) }, NOW)).toBe('abandoned')
    expect(watchStateOf({ position: 7, duration: 100, at: ago(2) }, NOW)).toBe('resumed')
    expect(watchStateOf({ position: 40, duration: 100, at: ago(30) }, NOW)).toBe('resumed')
    expect(watchStateOf({ position: 2, duration: 100, at: ago(1) }, NOW)).toBeNull()
  })

  it('keeps a report\'s time within the last 30 days and 5 minutes ahead, now when absent', () => {
    expect(clampReportTime(undefined, NOW)).toBe(new Date(NOW).toISOString())
    expect(clampReportTime(ago(40), NOW)).toBe(ago(30))
    expect(clampReportTime(new Date(NOW + 3_600_000).toISOString(), NOW)).toBe(new Date(NOW + 300_000).toISOString())
    expect(clampReportTime(ago(2), NOW)).toBe(ago(2))
  })
})
