/** Byte helpers for Web Push: keys and headers travel as unpadded base64url (RFC 7515 §2). */

export function toBase64Url(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Throws on anything that is not base64url (or standard base64, which some browsers' JSON used to carry). */
export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_+/-]*={0,2}$/.test(text)) throw new Error('not base64url')
  const plain = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')
  const binary = atob(plain + '='.repeat((4 - (plain.length % 4)) % 4))
  return Uint8Array.from(binary, (char) => char.charCodeAt(0))
}

export { concat } from '../shared/bytes'

export const utf8 = (text: string) => new TextEncoder().encode(text)
