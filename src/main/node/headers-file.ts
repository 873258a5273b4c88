/**
 * The `_headers` file of public/ (the format Workers static assets honour): URL patterns, each followed by
 * indented `Name: value` lines. Supported as our file uses it: exact paths and a trailing `*` splat. Every
 * matching rule applies, in file order (a later rule's value for the same header joins the earlier one's).
 */
export interface HeaderRule {
  pattern: string
  headers: [string, string][]
}

export function parseHeadersFile(text: string): HeaderRule[] {
  const rules: HeaderRule[] = []
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '')
    if (!line.trim() || line.trim().startsWith('#')) continue
    if (!/^\s/.test(line)) {
      rules.push({ pattern: line.trim(), headers: [] })
      continue
    }
    const rule = rules.at(-1)
    const colon = line.indexOf(':')
    if (!rule || colon < 0) continue
    rule.headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()])
  }
  return rules
}

export function patternMatches(pattern: string, path: string): boolean {
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path
}

/** The headers every matching rule gives `path`. */
export function headersFor(rules: HeaderRule[], path: string): Headers {
  const headers = new Headers()
  for (const rule of rules) {
    if (!patternMatches(rule.pattern, path)) continue
    for (const [name, value] of rule.headers) {
      const existing = headers.get(name)
      headers.set(name, existing ? `${existing}, ${value}` : value)
    }
  }
  return headers
}
