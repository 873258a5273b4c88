import { describe, expect, it } from 'vitest'
import { displayNameAllowed } from '../../src/accounts/display-name'

/** Display names may not hide or reorder text (the third audit's I4): every invisible format character, and blanks. */
describe('display names', () => {
  it('refuses every invisible format character and blank-looking filler, keeps ZWJ and ZWNJ for the scripts that need them', () => {
    const hidden = ['\u200e', '\u200f', '\u061c', '\u202e', '\u2067', '\u200b', '\u2060', '\u2062', '\u00ad', '\ufeff', '\u{e0041}', '\u115f', '\u1160', '\u3164', '\uffa0']
    for (const char of hidden) expect(displayNameAllowed(`Ad${char}min`), `U+${char.codePointAt(0)!.toString(16)}`).toBe(false)
    for (const name of ['Amélie', 'ميلاد', '山田 太郎', 'می‌خواهم', '👩‍👩‍👧 family', 'Zoë-Ann O’Neil']) expect(displayNameAllowed(name), name).toBe(true)
  })
})
