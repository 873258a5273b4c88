import { createExecutionContext, createWorker, env, waitOnExecutionContext } from '@test/runtime'
import { describe, expect, it } from 'vitest'
import type { Env } from '../../src/config'
import { api, clientIp, form, ORIGIN, signUp, type ErrorJson } from '../support/harness/accounts'
import { testAws } from '../support/harness/aws'
import { films } from '../support/harness/films'

const aws = testAws()

/** A list that holds 1,000 films as far as its summary says (the cap is enforced there). */
async function fullList(userId: string) {
  await aws.db.put(aws.table, { pk: `USER#${userId}`, sk: 'WATCHLIST', count: 1000, ids: {} })
}

describe('a full list, on the page and in the API', { timeout: 30_000 }, () => {
  it('should refuse a 1,001st film with 409 list_full in the API, a friendly 409 page without JS and a visible note with htmx', async () => {
    const user = await signUp()
    await fullList(user.user.id)
    const [film] = await films(1, 61, 'popular')

    const res = await api(`/me/watchlist/${film!.id}`, { method: 'PUT', token: user.token })
    expect(res.status).toBe(409)
    expect(((await res.json()) as ErrorJson).error.code).toBe('list_full')

    const plain = await form(`/watchlist/${film!.id}`, {}, { cookie: user.token, headers: { Accept: 'text/html' } })
    expect(plain.status).toBe(409)
    expect(await plain.text()).toContain('Your list is full')

    const htmx = await form(`/watchlist/${film!.id}`, { compact: '1' }, { cookie: user.token, headers: { 'HX-Request': 'true' } })
    expect(htmx.status).toBe(200)
    const fragment = await htmx.text()
    expect(fragment).toContain('Your list is full (1,000 films)')
    expect(fragment).toMatch(/aria-pressed="false"/)
    expect((await aws.db.get(aws.table, { pk: `USER#${user.user.id}`, sk: `WATCH#${film!.id}` }))).toBeUndefined()
  })
})

describe('list snapshots', { timeout: 30_000 }, () => {
  it('should show the stored snapshot, and refresh one older than a day after the response', async () => {
    const user = await signUp()
    const [film] = await films(1, 62, 'popular')
    const added = await api(`/me/watchlist/${film!.id}`, { method: 'PUT', token: user.token })
    expect(added.status).toBe(201)
    const key = { pk: `USER#${user.user.id}`, sk: `WATCH#${film!.id}` }
    const stored = await aws.db.get<{ movie: { title: string }; snapshot_at: string }>(aws.table, key, { consistent: true })
    expect(stored?.movie.title).toBe(film!.title)

    // Two days later, the film's title as stored is outdated.
    const stale = new Date(Date.now() - 2 * 86_400_000).toISOString()
    await aws.db.update(aws.table, key, { update: 'SET movie.title = :old, snapshot_at = :at', values: { ':old': 'An old title', ':at': stale } })
    const ctx = createExecutionContext()
    const res = await createWorker().fetch(
      new Request(`${ORIGIN}/api/v1/me/watchlist`, { headers: { Authorization: `Bearer ${user.token}`, 'CF-Connecting-IP': clientIp() } }),
      env as unknown as Env,
      ctx,
    )
    const body = (await res.json()) as { results: { id: number; title: string }[] }
    expect(body.results.map((m) => m.title)).toEqual(['An old title'])
    await waitOnExecutionContext(ctx)
    const refreshed = await aws.db.get<{ movie: { title: string }; snapshot_at: string }>(aws.table, key, { consistent: true })
    expect(refreshed?.movie.title).toBe(film!.title)
    expect(Date.parse(refreshed!.snapshot_at)).toBeGreaterThan(Date.parse(stale))
    const again = (await (await api('/me/watchlist', { token: user.token })).json()) as { results: { title: string }[] }
    expect(again.results[0]!.title).toBe(film!.title)
  })
})
