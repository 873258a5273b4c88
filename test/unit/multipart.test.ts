import { describe, expect, it } from 'vitest'
import { MultipartError, MultipartReader, multipartBoundary } from '../../src/videos/multipart'

/** A body as a browser sends it (through the platform's own FormData encoder). */
async function encoded(fields: [string, string | File][]): Promise<{ bytes: Uint8Array; boundary: string }> {
  const form = new FormData()
  for (const [name, value] of fields) form.append(name, value)
  const request = new Request('https://x.test/', { method: 'POST', body: form })
  const boundary = multipartBoundary(request.headers.get('Content-Type'))!
  return { bytes: new Uint8Array(await request.arrayBuffer()), boundary }
}

/** The bytes as a stream cut into `size`-byte chunks (1: every byte alone, the hardest case for the delimiter search). */
function chunked(bytes: Uint8Array, size: number): { stream: ReadableStream<Uint8Array>; pulls: () => number } {
  let at = 0
  let pulls = 0
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls++
      if (at >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(at, at + size))
      at += size
    },
  })
  return { stream, pulls: () => pulls }
}

/** Every part, its body joined, read the way the upload route reads them. */
async function readAll(reader: MultipartReader) {
  const parts: { name: string; filename: string | null; contentType: string | null; body: Uint8Array; offset: number }[] = []
  for (let part = await reader.nextPart(); part; part = await reader.nextPart()) {
    const offset = reader.offset
    const chunks: Uint8Array[] = []
    for (let chunk = await reader.read(); chunk; chunk = await reader.read()) chunks.push(chunk.slice())
    const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
    let at = 0
    for (const chunk of chunks) {
      body.set(chunk, at)
      at += chunk.length
    }
    parts.push({ ...part, body, offset })
  }
  return parts
}

const randomBytes = (n: number) => {
  const bytes = new Uint8Array(n)
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(n, i + 65536)))
  return bytes
}

/** Byte equality (vitest's deep equality walks a typed array an element at a time). */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))

describe('the streaming multipart reader', () => {
  it('finds the boundary of a multipart/form-data Content-Type only', () => {
    expect(multipartBoundary('multipart/form-data; boundary=----abc123')).toBe('----abc123')
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="quoted boundary"')).toBe('quoted boundary')
    expect(multipartBoundary('application/x-www-form-urlencoded')).toBeNull()
    expect(multipartBoundary('multipart/form-data')).toBeNull()
    expect(multipartBoundary(undefined)).toBeNull()
    expect(multipartBoundary(`multipart/form-data; boundary=${'x'.repeat(71)}`)).toBeNull()
  })

  it.each([
    [1, 4_000],
    [7, 30_000],
    [64, 300_000],
    [1 << 20, 300_000],
  ])('reads fields then a binary file in %i-byte chunks, byte for byte, with where the file starts', async (size, fileSize) => {
    const file = randomBytes(fileSize)
    // Bytes that look like the start of a delimiter inside the file.
    file.set(new TextEncoder().encode('\r\n--\r\n--'), 1000)
    const { bytes, boundary } = await encoded([
      ['movie_id', '603'],
      ['license', 'CC BY 3.0 — “Blender”, 日本語'],
      ['file', new File([file], 'clip "one".mp4', { type: 'video/mp4' })],
    ])
    const parts = await readAll(new MultipartReader(chunked(bytes, size).stream, boundary))
    expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ['movie_id', null, null],
      ['license', null, null],
      ['file', 'clip "one".mp4', 'video/mp4'],
    ])
    expect(new TextDecoder().decode(parts[1]!.body)).toBe('CC BY 3.0 — “Blender”, 日本語')
    expect(same(parts[2]!.body, file)).toBe(true)
    // The file's first byte is at the offset the reader stood at after its headers; what follows it is the closing line.
    expect(same(bytes.subarray(parts[2]!.offset, parts[2]!.offset + 16), file.subarray(0, 16))).toBe(true)
    expect(bytes.length - parts[2]!.offset - file.length).toBe(`\r\n--${boundary}--\r\n`.length)
  })

  it('reads a small field as text, skips parts not read, and reports an empty file field', async () => {
    // As Chromium sends a form whose file input has no file chosen (filename="", no bytes), with a preamble.
    const boundary = '----WebKitFormBoundaryAbC123'
    const body = [
      'ignored preamble',
      `--${boundary}`,
      'Content-Disposition: form-data; name="skip"',
      '',
      'x'.repeat(10_000),
      `--${boundary}`,
      'content-disposition: form-data; name="language"',
      '',
      'ja',
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename=""',
      'Content-Type: application/octet-stream',
      '',
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n')
    const reader = new MultipartReader(chunked(new TextEncoder().encode(body), 100).stream, boundary)
    expect((await reader.nextPart())?.name).toBe('skip')
    expect(await reader.nextPart()).toMatchObject({ name: 'language' })
    expect(await reader.text(10)).toBe('ja')
    expect(await reader.nextPart()).toMatchObject({ name: 'file', filename: '', contentType: 'application/octet-stream' })
    expect(await reader.read()).toBeNull()
    expect(await reader.nextPart()).toBeNull()
  })

  it('refuses a field past its limit, a truncated body, a body without the delimiter and too many parts', async () => {
    const { bytes, boundary } = await encoded([['license', 'y'.repeat(5000)], ['file', new File([randomBytes(5000)], 'a.mp4')]])
    const long = new MultipartReader(chunked(bytes, 512).stream, boundary)
    await long.nextPart()
    await expect(long.text(4096)).rejects.toThrow(MultipartError)

    const truncated = new MultipartReader(chunked(bytes.subarray(0, bytes.length - 200), 512).stream, boundary)
    await expect(readAll(truncated)).rejects.toThrow(MultipartError)

    const garbage = new MultipartReader(chunked(randomBytes(20_000), 512).stream, boundary)
    await expect(garbage.nextPart()).rejects.toThrow(MultipartError)

    const many = await encoded(Array.from({ length: 8 }, (_, i) => [`f${i}`, 'v'] as [string, string]))
    await expect(readAll(new MultipartReader(chunked(many.bytes, 64).stream, many.boundary, { parts: 5 }))).rejects.toThrow(/too many parts/)
  })

  it('reads a body as the stream delivers it, never ahead of the part being read', async () => {
    const file = randomBytes(2_000_000)
    const { bytes, boundary } = await encoded([['movie_id', '1'], ['file', new File([file], 'big.mp4')]])
    const source = chunked(bytes, 65_536)
    const reader = new MultipartReader(source.stream, boundary)
    await reader.nextPart()
    await reader.text(100)
    expect(await reader.nextPart()).toMatchObject({ name: 'file' })
    // Headers and the first field come in the first chunks; the file's 2 MB are not pulled yet.
    expect(source.pulls()).toBeLessThanOrEqual(2)
    const first = await reader.read()
    expect(first!.length).toBeGreaterThan(0)
    expect(source.pulls()).toBeLessThanOrEqual(3)
    await reader.cancel()
  })
})
