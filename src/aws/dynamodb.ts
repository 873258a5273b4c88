import { connectionFromConfig, parseJsonError, SignedClient, type AwsConfig, type AwsConnection } from './client'
import { ThrottlingError } from './errors'
import { marshall, unmarshall, type AttributeMap } from './marshall'

export type DynamoOptions = AwsConnection

import type { BatchWriteOp, ConditionOptions, DataStore, Key, Names, QueryOptions, TransactItem, UpdateOptions, Values } from '../data/store'

export type { BatchWriteOp, ConditionOptions, QueryOptions, TransactItem, UpdateOptions } from '../data/store'

const BATCH_GET_SIZE = 100
const BATCH_WRITE_SIZE = 25
const BATCH_ATTEMPTS = 8

/** Adds ExpressionAttributeNames/Values when present (DynamoDB rejects empty maps). */
function expression(names?: Names, values?: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (names && Object.keys(names).length > 0) out.ExpressionAttributeNames = names
  if (values && Object.keys(values).length > 0) out.ExpressionAttributeValues = marshall(values)
  return out
}

function conditional(opts: ConditionOptions | undefined): Record<string, unknown> {
  if (!opts) return {}
  return { ...(opts.condition ? { ConditionExpression: opts.condition } : {}), ...expression(opts.names, opts.values) }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const backoff = (attempt: number) => sleep(Math.random() * 50 * 2 ** attempt)

/** DynamoDB over its JSON protocol (DynamoDB_20120810), signed with aws4fetch. Items are plain objects. */
export class DynamoDb implements DataStore {
  private readonly client: SignedClient

  constructor(options: DynamoOptions) {
    this.client = new SignedClient('dynamodb', options, parseJsonError)
  }

  static fromConfig(config: AwsConfig, overrides: Partial<DynamoOptions> = {}): DynamoDb {
    return new DynamoDb({ ...connectionFromConfig(config, config.DYNAMODB_ENDPOINT), ...overrides })
  }

  /** Any operation, raw: input and output in DynamoDB JSON. */
  async call<T = any>(operation: string, input: Record<string, unknown>): Promise<T> {
    const text = await this.client.request({
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` },
      body: JSON.stringify(input),
    })
    return (text ? JSON.parse(text) : {}) as T
  }

  async get<T>(table: string, key: Key, opts: { consistent?: boolean; projection?: string; names?: Names } = {}): Promise<T | undefined> {
    const out = await this.call<{ Item?: AttributeMap }>('GetItem', {
      TableName: table,
      Key: marshall(key),
      ...(opts.consistent ? { ConsistentRead: true } : {}),
      ...(opts.projection ? { ProjectionExpression: opts.projection } : {}),
      ...expression(opts.names),
    })
    return out.Item ? unmarshall<T>(out.Item) : undefined
  }

  async put(table: string, item: Record<string, unknown>, opts?: ConditionOptions): Promise<void> {
    await this.call('PutItem', { TableName: table, Item: marshall(item), ...conditional(opts) })
  }

  async update<T>(table: string, key: Key, opts: UpdateOptions): Promise<T | undefined> {
    const out = await this.call<{ Attributes?: AttributeMap }>('UpdateItem', {
      TableName: table,
      Key: marshall(key),
      UpdateExpression: opts.update,
      ReturnValues: opts.returnValues ?? 'ALL_NEW',
      ...conditional(opts),
    })
    return out.Attributes ? unmarshall<T>(out.Attributes) : undefined
  }

  async delete<T>(table: string, key: Key, opts: ConditionOptions & { returnOld?: boolean } = {}): Promise<T | undefined> {
    const out = await this.call<{ Attributes?: AttributeMap }>('DeleteItem', {
      TableName: table,
      Key: marshall(key),
      ...(opts.returnOld ? { ReturnValues: 'ALL_OLD' } : {}),
      ...conditional(opts),
    })
    return out.Attributes ? unmarshall<T>(out.Attributes) : undefined
  }

  async query<T>(table: string, opts: QueryOptions): Promise<{ items: T[]; lastKey?: Key }> {
    const out = await this.call<{ Items?: AttributeMap[]; LastEvaluatedKey?: AttributeMap }>('Query', {
      TableName: table,
      KeyConditionExpression: opts.keyCondition,
      ...expression(opts.names, opts.values),
      ...(opts.index ? { IndexName: opts.index } : {}),
      ...(opts.limit !== undefined ? { Limit: opts.limit } : {}),
      ...(opts.forward === false ? { ScanIndexForward: false } : {}),
      ...(opts.startKey ? { ExclusiveStartKey: marshall(opts.startKey) } : {}),
      ...(opts.filter ? { FilterExpression: opts.filter } : {}),
      ...(opts.consistent ? { ConsistentRead: true } : {}),
      ...(opts.projection ? { ProjectionExpression: opts.projection } : {}),
    })
    const items = (out.Items ?? []).map((item) => unmarshall<T>(item))
    return out.LastEvaluatedKey ? { items, lastKey: unmarshall<Key>(out.LastEvaluatedKey) } : { items }
  }

  /** Every matching item, following LastEvaluatedKey; `limit` caps the total returned. */
  async queryAll<T>(table: string, opts: QueryOptions): Promise<T[]> {
    const all: T[] = []
    let startKey = opts.startKey
    do {
      const remaining = opts.limit === undefined ? undefined : opts.limit - all.length
      const page = await this.query<T>(table, { ...opts, limit: opts.filter ? opts.limit : remaining, startKey })
      all.push(...page.items)
      startKey = page.lastKey
    } while (startKey && (opts.limit === undefined || all.length < opts.limit))
    return opts.limit === undefined ? all : all.slice(0, opts.limit)
  }

  /**
   * All-or-nothing write of up to 100 items; a failed condition throws TransactionCanceledError with per-item reasons.
   * Every call carries a client request token (one per call, `opts.token` or a fresh one), so the client's own retry of
   * an attempt whose answer was lost (a timeout, a dropped connection) is the same transaction to DynamoDB: applied
   * once, answered as a success, instead of failing its own conditions (an add then looked like "already listed").
   */
  async transactWrite(items: TransactItem[], opts: { token?: string } = {}): Promise<void> {
    const TransactItems = items.map((entry) => {
      if ('put' in entry) {
        const { table, item, ...cond } = entry.put
        return { Put: { TableName: table, Item: marshall(item), ...conditional(cond) } }
      }
      if ('update' in entry) {
        const { table, key, update, ...cond } = entry.update
        return { Update: { TableName: table, Key: marshall(key), UpdateExpression: update, ...conditional(cond) } }
      }
      if ('delete' in entry) {
        const { table, key, ...cond } = entry.delete
        return { Delete: { TableName: table, Key: marshall(key), ...conditional(cond) } }
      }
      const { table, key, ...cond } = entry.conditionCheck
      return { ConditionCheck: { TableName: table, Key: marshall(key), ...conditional(cond) } }
    })
    await this.call('TransactWriteItems', { TransactItems, ClientRequestToken: opts.token ?? crypto.randomUUID() })
  }

  /** Items for the keys that exist (order not guaranteed), in chunks of 100, retrying UnprocessedKeys. */
  async batchGet<T>(table: string, keys: Key[], opts: { consistent?: boolean } = {}): Promise<T[]> {
    const found: T[] = []
    for (let start = 0; start < keys.length; start += BATCH_GET_SIZE) {
      let pending: AttributeMap[] = keys.slice(start, start + BATCH_GET_SIZE).map((key) => marshall(key))
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= BATCH_ATTEMPTS) throw new ThrottlingError('UnprocessedKeys', 400, `batchGet: ${pending.length} keys still unprocessed after ${attempt} attempts`)
        if (attempt > 0) await backoff(attempt)
        const out = await this.call<{
          Responses?: Record<string, AttributeMap[]>
          UnprocessedKeys?: Record<string, { Keys: AttributeMap[] }>
        }>('BatchGetItem', { RequestItems: { [table]: { Keys: pending, ...(opts.consistent ? { ConsistentRead: true } : {}) } } })
        for (const item of out.Responses?.[table] ?? []) found.push(unmarshall<T>(item))
        pending = out.UnprocessedKeys?.[table]?.Keys ?? []
      }
    }
    return found
  }

  /** Puts and deletes in chunks of 25 (not atomic), retrying UnprocessedItems. */
  async batchWrite(table: string, ops: BatchWriteOp[]): Promise<void> {
    for (let start = 0; start < ops.length; start += BATCH_WRITE_SIZE) {
      let pending: unknown[] = ops
        .slice(start, start + BATCH_WRITE_SIZE)
        .map((op) => ('put' in op ? { PutRequest: { Item: marshall(op.put) } } : { DeleteRequest: { Key: marshall(op.delete) } }))
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= BATCH_ATTEMPTS) throw new ThrottlingError('UnprocessedItems', 400, `batchWrite: ${pending.length} items still unprocessed after ${attempt} attempts`)
        if (attempt > 0) await backoff(attempt)
        const out = await this.call<{ UnprocessedItems?: Record<string, unknown[]> }>('BatchWriteItem', {
          RequestItems: { [table]: pending },
        })
        pending = out.UnprocessedItems?.[table] ?? []
      }
    }
  }
}
