import { describe, expect, it } from 'vitest'
import { ConditionalCheckFailedError, TransactionCanceledError } from '../../src/aws/errors'
import { testAws, uniqueId } from '../support/harness/aws'

const { db, table } = testAws()

describe('DynamoDB adapter against DynamoDB Local', () => {
  it('should write an item and read it back with every value type intact', async () => {
    const pk = uniqueId('USER')
    const item = { pk, sk: 'PROFILE', name: 'Ada', age: 36, admin: false, nickname: null, tags: ['a', 'a', 2], prefs: { lang: 'en', n: 1.5 } }
    await db.put(table, { ...item, dropped: undefined })
    expect(await db.get(table, { pk, sk: 'PROFILE' }, { consistent: true })).toEqual(item)
    expect(await db.get(table, { pk, sk: 'MISSING' })).toBeUndefined()
  })

  it('should query a partition in either order, page with lastKey and query the gsi1 index', async () => {
    const pk = uniqueId('USER')
    await db.batchWrite(
      table,
      [1, 2, 3, 4, 5].map((n) => ({ put: { pk, sk: `WATCH#${n}`, gsi1pk: `${pk}#IDX`, gsi1sk: `M#${n}` } })),
    )
    const byKey = { keyCondition: 'pk = :pk AND begins_with(sk, :w)', values: { ':pk': pk, ':w': 'WATCH#' } }
    const newestFirst = await db.query<{ sk: string }>(table, { ...byKey, forward: false, limit: 2 })
    expect(newestFirst.items.map((i) => i.sk)).toEqual(['WATCH#5', 'WATCH#4'])
    expect(newestFirst.lastKey).toEqual({ pk, sk: 'WATCH#4' })
    const next = await db.query<{ sk: string }>(table, { ...byKey, forward: false, limit: 2, startKey: newestFirst.lastKey })
    expect(next.items.map((i) => i.sk)).toEqual(['WATCH#3', 'WATCH#2'])
    expect((await db.queryAll(table, { ...byKey, limit: 4 })).length).toBe(4)
    expect((await db.queryAll(table, byKey)).length).toBe(5)
    const viaIndex = await db.queryAll<{ gsi1sk: string }>(table, {
      index: 'gsi1',
      keyCondition: 'gsi1pk = :g',
      values: { ':g': `${pk}#IDX` },
    })
    expect(viaIndex.map((i) => i.gsi1sk).sort()).toEqual(['M#1', 'M#2', 'M#3', 'M#4', 'M#5'])
  })

  it('should surface a failed condition as ConditionalCheckFailedError and leave the item unchanged', async () => {
    const key = { pk: uniqueId('EMAIL'), sk: 'EMAIL' }
    await db.put(table, { ...key, owner: 'first' }, { condition: 'attribute_not_exists(pk)' })
    const second = db.put(table, { ...key, owner: 'second' }, { condition: 'attribute_not_exists(pk)' })
    await expect(second).rejects.toBeInstanceOf(ConditionalCheckFailedError)
    await expect(second).rejects.toMatchObject({ type: 'ConditionalCheckFailedException', status: 400 })
    expect(await db.get(table, key, { consistent: true })).toEqual({ ...key, owner: 'first' })
  })

  it('should update with names and values, return the new item, and delete returning the old one', async () => {
    const key = { pk: uniqueId('MOVIE'), sk: 'AGG' }
    const first = await db.update<{ count: number; sum: number }>(table, key, {
      update: 'ADD #count :one, #sum :rating',
      names: { '#count': 'count', '#sum': 'sum' },
      values: { ':one': 1, ':rating': 8 },
    })
    expect(first).toMatchObject({ count: 1, sum: 8 })
    const second = await db.update<{ count: number; sum: number }>(table, key, {
      update: 'ADD #count :one, #sum :rating',
      condition: '#count < :max',
      names: { '#count': 'count', '#sum': 'sum' },
      values: { ':one': 1, ':rating': 6, ':max': 10 },
    })
    expect(second).toMatchObject({ count: 2, sum: 14 })
    const removed = await db.delete<{ sum: number }>(table, key, { returnOld: true })
    expect(removed?.sum).toBe(14)
    expect(await db.get(table, key, { consistent: true })).toBeUndefined()
    await expect(db.delete(table, key, { condition: 'attribute_exists(pk)' })).rejects.toBeInstanceOf(ConditionalCheckFailedError)
  })

  it('should commit a transaction atomically, and on a failed condition cancel it with per-item reasons and write nothing', async () => {
    const user = uniqueId('USER')
    const email = uniqueId('EMAIL')
    await db.transactWrite([
      { put: { table, item: { pk: user, sk: 'PROFILE' }, condition: 'attribute_not_exists(pk)' } },
      { put: { table, item: { pk: email, sk: 'EMAIL', user }, condition: 'attribute_not_exists(pk)' } },
    ])
    const intruder = uniqueId('USER')
    const attempt = db.transactWrite([
      { put: { table, item: { pk: intruder, sk: 'PROFILE' }, condition: 'attribute_not_exists(pk)' } },
      { put: { table, item: { pk: email, sk: 'EMAIL', user: intruder }, condition: 'attribute_not_exists(pk)' } },
    ])
    await expect(attempt).rejects.toBeInstanceOf(TransactionCanceledError)
    const error = (await attempt.catch((e: unknown) => e)) as TransactionCanceledError
    expect(error.reasons).toEqual(['None', 'ConditionalCheckFailed'])
    expect(error.conditionFailed).toBe(true)
    expect(await db.get(table, { pk: intruder, sk: 'PROFILE' }, { consistent: true })).toBeUndefined()
    expect(await db.get(table, { pk: email, sk: 'EMAIL' }, { consistent: true })).toEqual({ pk: email, sk: 'EMAIL', user })
  })

  it('should check a condition on another item inside a transaction (conditionCheck, update, delete)', async () => {
    const pk = uniqueId('USER')
    await db.batchWrite(table, [{ put: { pk, sk: 'PROFILE', active: true } }, { put: { pk, sk: 'WATCH#1' } }])
    await db.transactWrite([
      { conditionCheck: { table, key: { pk, sk: 'PROFILE' }, condition: 'active = :yes', values: { ':yes': true } } },
      { update: { table, key: { pk, sk: 'COUNTS' }, update: 'ADD watched :one', values: { ':one': 1 } } },
      { delete: { table, key: { pk, sk: 'WATCH#1' }, condition: 'attribute_exists(pk)' } },
    ])
    expect(await db.get(table, { pk, sk: 'COUNTS' }, { consistent: true })).toMatchObject({ watched: 1 })
    expect(await db.get(table, { pk, sk: 'WATCH#1' }, { consistent: true })).toBeUndefined()
  })

  it('should batch-write and batch-get more items than one request carries', async () => {
    const pk = uniqueId('BATCH')
    const keys = Array.from({ length: 130 }, (_, i) => ({ pk, sk: `ITEM#${String(i).padStart(3, '0')}` }))
    await db.batchWrite(table, keys.map((key, i) => ({ put: { ...key, i } })))
    const found = await db.batchGet<{ i: number }>(table, [...keys, { pk, sk: 'ITEM#missing' }])
    expect(found.map((item) => item.i).sort((a, b) => a - b)).toEqual(keys.map((_, i) => i))
    await db.batchWrite(table, keys.slice(0, 30).map((key) => ({ delete: key })))
    expect((await db.queryAll(table, { keyCondition: 'pk = :pk', values: { ':pk': pk } })).length).toBe(100)
  })

  it('should report a missing table with its AWS error type, not a generic failure', async () => {
    await expect(db.get('no-such-table', { pk: 'x', sk: 'y' })).rejects.toMatchObject({ type: 'ResourceNotFoundException', status: 400 })
  })
})
