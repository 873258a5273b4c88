/**
 * Language tags read from an uploaded file end up in HLS attributes (`LANGUAGE="…"`) and in the video row, and
 * hls-parser does not escape what it writes: so a tag is only ever replaced by a code from the table below, never
 * passed through. ffprobe reports ISO 639-2 (MP4 and Matroska store three letters, bibliographic or terminology
 * form); HLS and the app speak ISO 639-1.
 */

/** ISO 639-2 (both /B and /T forms where they differ) → ISO 639-1, for the languages we accept. */
const ISO_639_2_TO_1: Readonly<Record<string, string>> = {
  afr: 'af', alb: 'sq', sqi: 'sq', amh: 'am', ara: 'ar', arm: 'hy', hye: 'hy', aze: 'az',
  baq: 'eu', eus: 'eu', bel: 'be', ben: 'bn', bos: 'bs', bre: 'br', bul: 'bg', bur: 'my', mya: 'my',
  cat: 'ca', chi: 'zh', zho: 'zh', cze: 'cs', ces: 'cs', dan: 'da', dut: 'nl', nld: 'nl',
  eng: 'en', epo: 'eo', est: 'et', fao: 'fo', fin: 'fi', fre: 'fr', fra: 'fr',
  geo: 'ka', kat: 'ka', ger: 'de', deu: 'de', gle: 'ga', glg: 'gl', gre: 'el', ell: 'el', guj: 'gu',
  hau: 'ha', heb: 'he', hin: 'hi', hrv: 'hr', hun: 'hu', ice: 'is', isl: 'is', ind: 'id', ita: 'it',
  jpn: 'ja', kan: 'kn', kaz: 'kk', khm: 'km', kor: 'ko', kur: 'ku', lao: 'lo', lat: 'la', lav: 'lv',
  lit: 'lt', ltz: 'lb', mac: 'mk', mkd: 'mk', mal: 'ml', mar: 'mr', may: 'ms', msa: 'ms', mlt: 'mt',
  mon: 'mn', nep: 'ne', nor: 'no', nob: 'nb', nno: 'nn', oci: 'oc', pan: 'pa', per: 'fa', fas: 'fa',
  pol: 'pl', por: 'pt', pus: 'ps', roh: 'rm', rum: 'ro', ron: 'ro', rus: 'ru', sin: 'si',
  slo: 'sk', slk: 'sk', slv: 'sl', som: 'so', spa: 'es', srp: 'sr', swa: 'sw', swe: 'sv',
  tam: 'ta', tat: 'tt', tel: 'te', tgl: 'tl', tha: 'th', tur: 'tr', ukr: 'uk', urd: 'ur', uzb: 'uz',
  vie: 'vi', wel: 'cy', cym: 'cy', xho: 'xh', yid: 'yi', yor: 'yo', zul: 'zu',
}

/** The two-letter codes we accept as they are (some muxers and hand-tagged files already use ISO 639-1). */
const ISO_639_1 = new Set(Object.values(ISO_639_2_TO_1))

/**
 * Maps a stream's language tag to ISO 639-1, or 'und' when it is missing, unknown (also `und`, `mul`, `zxx`) or
 * carries anything but lower-case ASCII letters: `en",URI="x` must never reach a playlist.
 */
export function toIso6391(tag: string | undefined): string {
  if (!tag || !/^[a-z]{2,3}$/.test(tag)) return 'und'
  if (tag.length === 2) return ISO_639_1.has(tag) ? tag : 'und'
  return Object.hasOwn(ISO_639_2_TO_1, tag) ? ISO_639_2_TO_1[tag]! : 'und'
}
