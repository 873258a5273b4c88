/**
 * A streaming `multipart/form-data` reader (RFC 7578) for the admin pages' no-JavaScript forms: the upload form's
 * fields, then its file read chunk by chunk as the bytes arrive, so a 25 MB file never sits in memory as one body.
 * Runtime-neutral (web streams only). Parts are read in order: `nextPart()` gives the next part's headers (skipping
 * what is left of the current one), `read()` its body a chunk at a time, `text(max)` a small field whole.
 */

const CRLF = new Uint8Array([13, 10])
const HEADER_END = new Uint8Array([13, 10, 13, 10])
const encoder = new TextEncoder()

/** The body is not the multipart form it says it is (or breaks the reader's limits). */
export class MultipartError extends Error {
  override name = 'MultipartError'
}

export interface PartHeaders {
  /** The form field's name. */
  name: string
  /** The file's name for a file field (`""` when the form was sent without a file chosen); null for a plain field. */
  filename: string | null
  contentType: string | null
}

export interface MultipartLimits {
  /** Largest header block of one part (default 8 KiB). */
  headerBytes?: number
  /** Most parts in one body (default 50). */
  parts?: number
}

/** The boundary of a `multipart/form-data` Content-Type (1–70 characters, RFC 2046), or null for any other type. */
export function multipartBoundary(contentType: string | undefined | null): string | null {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return null
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))\s*(?:;|$)/i.exec(contentType)
  const boundary = match?.[1] ?? match?.[2]
  return boundary && !/[\r\n]/.test(boundary) ? boundary : null
}

/** Where `needle` starts in `haystack` at or after `from`, or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!
  const last = haystack.length - needle.length
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1
    while (j < needle.length && haystack[i + j] === needle[j]) j++
    if (j === needle.length) return i
  }
  return -1
}

/** `name="value"` parameters of a header value (quoted or token; browsers percent-encode `"` and line breaks). */
function headerParams(value: string): Map<string, string> {
  const params = new Map<string, string>()
  for (const match of value.matchAll(/;\s*([A-Za-z0-9_*.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))/g)) {
    const raw = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '')
    params.set(match[1]!.toLowerCase(), raw.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n'))
  }
  return params
}

type State = 'preamble' | 'headers' | 'body' | 'delimiter' | 'end'

export class MultipartReader {
  private readonly source: ReadableStreamDefaultReader<Uint8Array>
  /** `\r\n--boundary`: the body is read as if it began with CRLF, so the first delimiter looks like every other. */
  private readonly delimiter: Uint8Array
  private readonly limits: Required<MultipartLimits>
  private buffer: Uint8Array = CRLF
  private position = 0
  /** Bytes taken from the stream, counting the two invented ones in front. */
  private pulled = CRLF.length
  private sourceDone = false
  private state: State = 'preamble'
  private partCount = 0

  constructor(body: ReadableStream<Uint8Array>, boundary: string, limits: MultipartLimits = {}) {
    this.source = body.getReader()
    this.delimiter = encoder.encode(`\r\n--${boundary}`)
    this.limits = { headerBytes: limits.headerBytes ?? 8192, parts: limits.parts ?? 50 }
  }

  /** How many bytes of the body come before the reader's position (after a part's headers: where its content starts). */
  get offset(): number {
    return Math.max(0, this.pulled - (this.buffer.length - this.position) - CRLF.length)
  }

  /** The next part's headers, or null after the closing delimiter. Whatever is left of the current part is skipped. */
  async nextPart(): Promise<PartHeaders | null> {
    if (this.state === 'end') return null
    if (this.state === 'preamble') await this.skipTo(this.delimiter)
    if (this.state === 'body') while ((await this.read()) !== null);
    // At a delimiter: "--" closes the body; otherwise (optional white space, then) CRLF and the part's headers.
    // Offsets are relative to the position: a pull moves the buffer.
    await this.need(this.delimiter.length + 2)
    let after = this.delimiter.length
    const byte = (i: number) => this.buffer[this.position + i]
    if (byte(after) === 45 && byte(after + 1) === 45) {
      this.state = 'end'
      await this.cancel()
      return null
    }
    while (byte(after) === 32 || byte(after) === 9) {
      after++
      if (after > this.delimiter.length + 64) throw new MultipartError('malformed delimiter line')
      await this.need(after + 2)
    }
    if (byte(after) !== 13 || byte(after + 1) !== 10) throw new MultipartError('malformed delimiter line')
    this.position += after + 2
    if (++this.partCount > this.limits.parts) throw new MultipartError('too many parts')
    const block = await this.headerBlock()
    this.state = 'body'
    return this.parseHeaders(block)
  }

  /** The next chunk of the current part's body (valid until the reader's next call), or null at its end. */
  async read(): Promise<Uint8Array | null> {
    if (this.state === 'headers') throw new MultipartError('read before nextPart')
    if (this.state !== 'body') return null
    for (;;) {
      const at = indexOf(this.buffer, this.delimiter, this.position)
      if (at !== -1) {
        if (at === this.position) {
          this.state = 'delimiter'
          return null
        }
        const chunk = this.buffer.subarray(this.position, at)
        this.position = at
        return chunk
      }
      // Keep a tail that may be the start of the delimiter; hand out the rest.
      const safe = Math.max(this.position, this.buffer.length - (this.delimiter.length - 1))
      if (safe > this.position) {
        const chunk = this.buffer.subarray(this.position, safe)
        this.position = safe
        return chunk
      }
      if (!(await this.pull())) throw new MultipartError('the body ended inside a part')
    }
  }

  /** The current part's body as UTF-8 text; MultipartError past `maxBytes`. */
  async text(maxBytes: number): Promise<string> {
    const chunks: Uint8Array[] = []
    let size = 0
    for (let chunk = await this.read(); chunk !== null; chunk = await this.read()) {
      size += chunk.length
      if (size > maxBytes) throw new MultipartError('a field is too long')
      chunks.push(chunk.slice())
    }
    const whole = new Uint8Array(size)
    let at = 0
    for (const chunk of chunks) {
      whole.set(chunk, at)
      at += chunk.length
    }
    return new TextDecoder().decode(whole)
  }

  /** Stops reading the body (the rest is never read). */
  async cancel(): Promise<void> {
    this.sourceDone = true
    await this.source.cancel().catch(() => undefined)
  }

  /** Pulls one more chunk into the buffer (dropping what was consumed); false once the stream is over. */
  private async pull(): Promise<boolean> {
    if (this.sourceDone) return false
    const { done, value } = await this.source.read()
    if (done) {
      this.sourceDone = true
      return false
    }
    if (!value?.length) return true
    this.pulled += value.length
    const rest = this.buffer.subarray(this.position)
    const next = new Uint8Array(rest.length + value.length)
    next.set(rest)
    next.set(value, rest.length)
    this.buffer = next
    this.position = 0
    return true
  }

  /** At least `bytes` bytes buffered from the position on, else MultipartError (the body ended early). */
  private async need(bytes: number): Promise<void> {
    while (this.buffer.length - this.position < bytes) {
      if (!(await this.pull())) throw new MultipartError('the body ended early')
    }
  }

  /** Discards bytes up to `needle` (the preamble), leaving the position on it. */
  private async skipTo(needle: Uint8Array): Promise<void> {
    for (;;) {
      const at = indexOf(this.buffer, needle, this.position)
      if (at !== -1) {
        this.position = at
        this.state = 'delimiter'
        return
      }
      this.position = Math.max(this.position, this.buffer.length - (needle.length - 1))
      if (this.offset > this.limits.headerBytes) throw new MultipartError('no multipart delimiter found')
      if (!(await this.pull())) throw new MultipartError('no multipart delimiter found')
    }
  }

  /** The header lines up to the empty line, consumed (an empty string for a part without headers). */
  private async headerBlock(): Promise<string> {
    this.state = 'headers'
    for (;;) {
      if (this.buffer.length - this.position >= 2 && this.buffer[this.position] === 13 && this.buffer[this.position + 1] === 10) {
        this.position += 2
        return ''
      }
      const at = indexOf(this.buffer, HEADER_END, this.position)
      if (at !== -1) {
        const block = new TextDecoder().decode(this.buffer.subarray(this.position, at))
        this.position = at + HEADER_END.length
        return block
      }
      if (this.buffer.length - this.position > this.limits.headerBytes) throw new MultipartError('a part\'s headers are too long')
      if (!(await this.pull())) throw new MultipartError('the body ended inside a part\'s headers')
    }
  }

  private parseHeaders(block: string): PartHeaders {
    let disposition: string | undefined
    let contentType: string | null = null
    for (const line of block.split('\r\n')) {
      const colon = line.indexOf(':')
      if (colon <= 0) continue
      const name = line.slice(0, colon).trim().toLowerCase()
      const value = line.slice(colon + 1).trim()
      if (name === 'content-disposition') disposition = value
      else if (name === 'content-type') contentType = value
    }
    if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) throw new MultipartError('a part is not form-data')
    const params = headerParams(disposition)
    const name = params.get('name')
    if (name === undefined) throw new MultipartError('a part has no name')
    return { name, filename: params.has('filename') ? params.get('filename')! : null, contentType }
  }
}
