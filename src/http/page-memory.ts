/**
 * The page cache's first tier: recently served pages kept in this isolate's memory, so a hot page
 * costs no Cache API round trip. Bounded by bytes (isolates have 128 MB): least recently used
 * entries go first; a page bigger than MAX_ENTRY_BYTES is never kept here.
 */
export const MAX_MEMORY_BYTES = 8 * 1024 * 1024
const MAX_ENTRY_BYTES = 512 * 1024

export interface MemoryEntry {
  body: ArrayBuffer
  headers: [string, string][]
  storedAt: number
}

const sizeOf = (entry: MemoryEntry) => entry.body.byteLength + entry.headers.reduce((sum, [name, value]) => sum + name.length + value.length, 0) + 64

export class PageMemory {
  private readonly entries = new Map<string, MemoryEntry>()
  private bytes = 0

  constructor(private readonly maxBytes = MAX_MEMORY_BYTES) {}

  get(key: string): MemoryEntry | undefined {
    const entry = this.entries.get(key)
    if (entry) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.entries.delete(key)
      this.entries.set(key, entry)
    }
    return entry
  }

  set(key: string, entry: MemoryEntry): void {
    this.delete(key)
    const size = sizeOf(entry)
    if (size > MAX_ENTRY_BYTES || size > this.maxBytes) return
    this.entries.set(key, entry)
    this.bytes += size
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break
      this.entries.delete(oldest)
      this.bytes -= sizeOf(old)
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key)
    if (!entry) return
    this.entries.delete(key)
    this.bytes -= sizeOf(entry)
  }

  get size(): number {
    return this.bytes
  }
}
