/**
 * The data port: what features ask of the table (DynamoDB's operations, items as plain objects).
 * src/aws/dynamodb.ts implements it; features depend on this, never on the adapter.
 */

export type Names = Record<string, string>
export type Values = Record<string, unknown>
export type Key = Record<string, unknown>

export interface ConditionOptions {
  condition?: string
  names?: Names
  values?: Values
}

export interface UpdateOptions extends ConditionOptions {
  update: string
  /** Default `ALL_NEW`: the item after the update is returned. */
  returnValues?: 'ALL_NEW' | 'ALL_OLD' | 'UPDATED_NEW' | 'UPDATED_OLD' | 'NONE'
}

export interface QueryOptions {
  keyCondition: string
  names?: Names
  values: Values
  index?: string
  limit?: number
  /** false = descending sort key (newest first for time-prefixed keys). */
  forward?: boolean
  startKey?: Key
  filter?: string
  consistent?: boolean
  projection?: string
}

export type TransactItem =
  | { put: { table: string; item: Record<string, unknown> } & ConditionOptions }
  | { update: { table: string; key: Key; update: string } & ConditionOptions }
  | { delete: { table: string; key: Key } & ConditionOptions }
  | { conditionCheck: { table: string; key: Key; condition: string; names?: Names; values?: Values } }

export type BatchWriteOp = { put: Record<string, unknown> } | { delete: Key }

export interface DataStore {
  get<T>(table: string, key: Key, opts?: { consistent?: boolean; projection?: string; names?: Names }): Promise<T | undefined>
  put(table: string, item: Record<string, unknown>, opts?: ConditionOptions): Promise<void>
  update<T>(table: string, key: Key, opts: UpdateOptions): Promise<T | undefined>
  delete<T>(table: string, key: Key, opts?: ConditionOptions & { returnOld?: boolean }): Promise<T | undefined>
  query<T>(table: string, opts: QueryOptions): Promise<{ items: T[]; lastKey?: Key }>
  queryAll<T>(table: string, opts: QueryOptions): Promise<T[]>
  transactWrite(items: TransactItem[], opts?: { token?: string }): Promise<void>
  batchGet<T>(table: string, keys: Key[], opts?: { consistent?: boolean }): Promise<T[]>
  batchWrite(table: string, ops: BatchWriteOp[]): Promise<void>
}
