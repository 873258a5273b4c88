import { describe, expect, it } from 'vitest'
import { prefetching } from '../../src/data/prefetch'
import type { DataStore, Key } from '../../src/data/store'
import { SESSION_TTL_SECONDS, issueToken, verifyToken } from '../../src/auth/tokens'

/** An in-memory table that counts the calls a request makes (the boundary under test is the call count). */
function countingStore(items: Record<string, unknown>[], failBatch = false) {
  const calls: string[] = []
  const find = (key: Key) => items.find((item) => item.pk === key.pk && item.sk === key.sk)
  const store = {
    async get(_table: string, key: Key) {
      calls.push('get')
      const item = find(key)
      return item ? structuredClone(item) : undefined
    },
    async batchGet(_table: string, keys: Key[], opts?: { consistent?: boolean }) {
      calls.push(`batchGet:${keys.length}:${opts?.consistent ? 'consistent' : 'eventual'}`)
      if (failBatch) throw new Error('throttled')
      return keys.map(find).filter(Boolean).map((item) => structuredClone(item))
    },
    async put(_table: string, item: Record<string, unknown>) {
      calls.push('put')
      const at = items.findIndex((x) => x.pk === item.pk && x.sk === item.sk)
      if (at >= 0) items[at] = item
      else items.push(item)
    },
  } as unknown as DataStore
  return { store, calls }
}

const profile = { pk: 'USER#u1', sk: 'PROFILE', display_name: 'Ada' }
const summary = { pk: 'USER#u1', sk: 'LIST#SUMMARY', count: 2, ids: { '11': true, '12': true } }

describe('prefetching data store', () => {
  it('answers gets of prefetched items from one consistent batch, and a projection from the same item', async () => {
    const { store, calls } = countingStore([structuredClone(profile), structuredClone(summary)])
    const db = prefetching(store)
    db.prefetch('t', [{ pk: 'USER#u1', sk: 'PROFILE' }, { pk: 'USER#u1', sk: 'LIST#SUMMARY' }, { pk: 'USER#u1', sk: 'PICKS' }])
    expect(await db.get('t', { pk: 'USER#u1', sk: 'PROFILE' })).toEqual(profile)
    expect(await db.get('t', { pk: 'USER#u1', sk: 'LIST#SUMMARY' }, { projection: '#c', names: { '#c': 'count' } })).toEqual({ count: 2 })
    expect(await db.get('t', { pk: 'USER#u1', sk: 'PICKS' })).toBeUndefined()
    expect(calls).toEqual(['batchGet:3:consistent'])
  })

  it('answers a batchGet whose keys were all read ahead from that batch, and reads one with any other key itself', async () => {
    const { store, calls } = countingStore([structuredClone(profile), structuredClone(summary)])
    const db = prefetching(store)
    db.prefetch('t', [{ pk: 'USER#u1', sk: 'PROFILE' }, { pk: 'USER#u1', sk: 'LIST#SUMMARY' }, { pk: 'USER#u1', sk: 'PICKS' }])
    expect(await db.batchGet('t', [{ pk: 'USER#u1', sk: 'LIST#SUMMARY' }, { pk: 'USER#u1', sk: 'PICKS' }])).toEqual([summary])
    expect(calls).toEqual(['batchGet:3:consistent'])
    expect(await db.batchGet('t', [{ pk: 'USER#u1', sk: 'PROFILE' }, { pk: 'USER#u1', sk: 'OTHER' }])).toEqual([profile])
    expect(calls).toEqual(['batchGet:3:consistent', 'batchGet:2:eventual'])
  })

  it('reads again after any write, so a request sees its own change', async () => {
    const { store, calls } = countingStore([structuredClone(summary)])
    const db = prefetching(store)
    db.prefetch('t', [{ pk: 'USER#u1', sk: 'LIST#SUMMARY' }])
    await db.put('t', { ...summary, count: 3 })
    expect(await db.get('t', { pk: 'USER#u1', sk: 'LIST#SUMMARY' })).toMatchObject({ count: 3 })
    expect(calls).toEqual(['batchGet:1:consistent', 'put', 'get'])
  })

  it('falls back to a plain get when the batch fails, and never hands out the shared copy', async () => {
    const { store, calls } = countingStore([structuredClone(profile)], true)
    const db = prefetching(store)
    db.prefetch('t', [{ pk: 'USER#u1', sk: 'PROFILE' }])
    const first = await db.get<typeof profile>('t', { pk: 'USER#u1', sk: 'PROFILE' })
    expect(first).toEqual(profile)
    expect(calls).toEqual(['batchGet:1:consistent', 'get'])

    const ok = prefetching(countingStore([structuredClone(profile)]).store)
    ok.prefetch('t', [{ pk: 'USER#u1', sk: 'PROFILE' }])
    const mine = await ok.get<typeof profile>('t', { pk: 'USER#u1', sk: 'PROFILE' })
    mine!.display_name = 'changed'
    expect(await ok.get('t', { pk: 'USER#u1', sk: 'PROFILE' })).toEqual(profile)
  })

  it('leaves no unhandled rejection behind when a failed batch is never asked for (the request wrote, or did not need it)', async () => {
    const unhandled: unknown[] = []
    const record = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', record)
    try {
      const { store } = countingStore([structuredClone(profile), structuredClone(summary)], true)
      const db = prefetching(store)
      db.prefetch('t', [{ pk: 'USER#u1', sk: 'PROFILE' }, { pk: 'USER#u1', sk: 'LIST#SUMMARY' }])
      await db.put('t', { ...summary, count: 3 })
      // Two turns of the event loop: Node reports unhandled rejections after the microtask queue drains.
      await new Promise((resolve) => setTimeout(resolve, 0))
      await new Promise((resolve) => setTimeout(resolve, 0))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', record)
    }
  })
})

describe('session tokens verified once per isolate', () => {
  const secret = 'test-secret-that-is-at-least-32-bytes-long!'
  it('still refuses a remembered token once it has expired, and a token under another secret', async () => {
    const now = Date.now()
    const token = await issueToken(secret, { sub: 'u1', tv: 1 }, now)
    expect(await verifyToken(secret, token, now)).toEqual({ sub: 'u1', tv: 1 })
    expect(await verifyToken(secret, token, now + 1000)).toEqual({ sub: 'u1', tv: 1 })
    expect(await verifyToken(`${secret}-rotated`, token, now)).toBeNull()
    expect(await verifyToken(secret, token, now + (SESSION_TTL_SECONDS + 1) * 1000)).toBeNull()
  })
})
