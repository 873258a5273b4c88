import { describe, expect, it } from 'vitest'
import type { Movie } from '../../src/catalog/types'
import { api, signUp, type TestUser } from '../support/harness/accounts'
import { catalog, notificationsOf, runCron } from '../support/harness/notifications'

const DAILY = '0 6 * * *'

async function nowPlaying(): Promise<Movie[]> {
  const res = await api('/movies/now_playing')
  expect(res.status).toBe(200)
  return ((await res.json()) as { results: Movie[] }).results
}

async function list(user: TestUser, movieId: number): Promise<void> {
  const res = await api(`/me/watchlist/${movieId}`, { method: 'PUT', token: user.token })
  expect(res.status).toBe(201)
}

const releases = async (user: TestUser) => (await notificationsOf(user.token)).results.filter((n) => n.type === 'release')

describe('release alerts (daily cron) on DynamoDB Local', { timeout: 60_000 }, () => {
  it('should tell the users who listed a now-playing film, once, and not the others', async () => {
    const film = (await nowPlaying())[0]!
    const [lister, secondLister, bystander] = await Promise.all([signUp(), signUp(), signUp()])
    await list(lister, film.id)
    await list(secondLister, film.id)

    await runCron(DAILY)
    for (const user of [lister, secondLister]) {
      const alerts = (await releases(user)).filter((n) => n.movie_id === film.id)
      expect(alerts).toHaveLength(1)
      expect(alerts[0]).toMatchObject({ title: `${film.title} is out now`, read: false })
    }
    expect(await releases(bystander)).toEqual([])

    // The next day's run (and a retried one) adds nothing: never twice for one film.
    await runCron(DAILY)
    await runCron(DAILY)
    expect((await releases(lister)).filter((n) => n.movie_id === film.id)).toHaveLength(1)
    const { unread, results } = await notificationsOf(lister.token)
    expect(unread).toBe(results.filter((n) => !n.read).length)
  })

  it('should tell a user who follows a genre (through their list) about new films in it, without flooding them', async () => {
    const playing = await nowPlaying()
    const playingIds = new Set(playing.map((m) => m.id))
    // The newest film playing is new by any measure; a film of its genre released long before is not playing.
    const newest = [...playing].sort((a, b) => (b.release_date ?? '').localeCompare(a.release_date ?? ''))[0]!
    const genre = newest.genre_ids[0]!
    // An older film of that genre, not playing now: listing it makes the user follow the genre.
    const older = (await catalog.byGenre(genre)).results.find((m) => !playingIds.has(m.id))!
    const follower = await signUp()
    await list(follower, older.id)

    await runCron(DAILY)
    const alerts = await releases(follower)
    expect(alerts.length).toBeGreaterThanOrEqual(1)
    expect(alerts.length).toBeLessThanOrEqual(3)
    const cutoff = new Date(Date.parse(newest.release_date!) - 30 * 86_400_000).toISOString().slice(0, 10)
    for (const alert of alerts) {
      expect(playingIds.has(alert.movie_id!)).toBe(true)
      expect(playing.find((m) => m.id === alert.movie_id)!.release_date! >= cutoff).toBe(true)
      expect(alert.title).toMatch(/^New in .+: /)
    }
    expect(alerts.some((n) => n.movie_id === older.id)).toBe(false)
  })

  it('should send no release alert to a user who switched release notifications off', async () => {
    const film = (await nowPlaying())[0]!
    const user = await signUp()
    const off = await api('/me', { method: 'PATCH', token: user.token, body: { notifications: { release: false, recommendation: true } } })
    expect(off.status).toBe(200)
    await list(user, film.id)
    await runCron(DAILY)
    expect(await releases(user)).toEqual([])

    // Switched back on: the film still playing is announced on the next run.
    await api('/me', { method: 'PATCH', token: user.token, body: { notifications: { release: true, recommendation: true } } })
    await runCron(DAILY)
    expect((await releases(user)).map((n) => n.movie_id)).toContain(film.id)
  })
})
