/**
 * A tiny PNG encoder for generated artwork: 8-bit RGB, zlib "stored" (uncompressed) blocks.
 * Synchronous and dependency-free, so the same code runs on Workers and Node; meant for images of a
 * few hundred pixels (a gradient the browser scales up smoothly), where compression would save little.
 */

import { concat } from './bytes'

export type Rgb = readonly [number, number, number]

let crcTable: Uint32Array | undefined
function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      crcTable[n] = c >>> 0
    }
  }
  let crc = 0xffffffff
  for (let i = start; i < end; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

function adler32(bytes: Uint8Array): number {
  let a = 1
  let b = 0
  for (const byte of bytes) {
    a = (a + byte) % 65521
    b = (b + a) % 65521
  }
  return ((b << 16) | a) >>> 0
}

/** zlib (RFC 1950) wrapping of deflate stored blocks (RFC 1951 §3.2.4), at most 65,535 bytes each. */
function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 0xffff))
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4)
  const view = new DataView(out.buffer)
  out[0] = 0x78
  out[1] = 0x01
  let at = 2
  for (let block = 0; block < blocks; block++) {
    const chunk = data.subarray(block * 0xffff, (block + 1) * 0xffff)
    out[at] = block === blocks - 1 ? 1 : 0
    view.setUint16(at + 1, chunk.length, true)
    view.setUint16(at + 3, ~chunk.length & 0xffff, true)
    out.set(chunk, at + 5)
    at += 5 + chunk.length
  }
  view.setUint32(at, adler32(data))
  return out
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i)
  out.set(data, 8)
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length))
  return out
}

/** A PNG of `width`×`height` whose pixel (x, y) is `colour(x, y)`. */
export function encodePng(width: number, height: number, colour: (x: number, y: number) => Rgb): Uint8Array {
  const rows = new Uint8Array(height * (1 + width * 3))
  let at = 0
  for (let y = 0; y < height; y++) {
    rows[at++] = 0 // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(x, y)
      rows[at++] = r
      rows[at++] = g
      rows[at++] = b
    }
  }
  const header = new Uint8Array(13)
  const view = new DataView(header.buffer)
  view.setUint32(0, width)
  view.setUint32(4, height)
  header.set([8, 2, 0, 0, 0], 8) // 8-bit depth, truecolour, deflate, adaptive filtering, no interlace
  return concat(
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlibStored(rows)),
    chunk('IEND', new Uint8Array(0)),
  )
}

/** HSL (degrees, percent, percent) to 8-bit RGB, as CSS defines it. */
export function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const s = saturation / 100
  const l = lightness / 100
  const f = (n: number) => {
    const k = (n + hue / 30) % 12
    return Math.round(255 * (l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1))))
  }
  return [f(0), f(8), f(4)]
}
