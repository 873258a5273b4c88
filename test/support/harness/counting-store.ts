import type { DataStore, QueryOptions } from '../../../src/data/store'

/** One read the app made: what it asked and how many items came back. */
export interface ReadRecord {
  op: 'get' | 'query' | 'queryAll' | 'batchGet'
  index?: string
  keyCondition?: string
  filter?: string
  /** The partition a query read (its `:pk` value), when it names one. */
  partition?: string
  items: number
}

/**
 * The real data store with every read counted (items returned), for tests that check a request
 * reads a bounded number of items however big the data grows.
 */
export function countingStore(inner: DataStore): { store: DataStore; reads: ReadRecord[] } {
  const reads: ReadRecord[] = []
  const describe = (opts: QueryOptions) => {
    const partition = opts.values?.[':pk']
    return { index: opts.index, keyCondition: opts.keyCondition, filter: opts.filter, ...(typeof partition === 'string' ? { partition } : {}) }
  }
  const store: DataStore = {
    get: async (table, key, opts) => {
      const item = await inner.get(table, key, opts)
      reads.push({ op: 'get', items: item === undefined ? 0 : 1 })
      return item as never
    },
    query: async (table, opts) => {
      const result = await inner.query(table, opts)
      reads.push({ op: 'query', ...describe(opts), items: result.items.length })
      return result as never
    },
    queryAll: async (table, opts) => {
      const items = await inner.queryAll(table, opts)
      reads.push({ op: 'queryAll', ...describe(opts), items: items.length })
      return items as never
    },
    batchGet: async (table, keys, opts) => {
      const items = await inner.batchGet(table, keys, opts)
      reads.push({ op: 'batchGet', items: items.length })
      return items as never
    },
    put: (...args) => inner.put(...args),
    update: (...args) => inner.update(...args),
    delete: (...args) => inner.delete(...args),
    transactWrite: (...args) => inner.transactWrite(...args),
    batchWrite: (...args) => inner.batchWrite(...args),
  }
  return { store, reads }
}

export const itemsRead = (reads: ReadRecord[]) => reads.reduce((sum, read) => sum + read.items, 0)
