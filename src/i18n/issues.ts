import type { z } from 'zod'
import { parseIssueMessage, type MessageRef } from './message-ref'

/** The value at an issue's path in what was validated: tells "missing" from "wrong". */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<PropertyKey, unknown>)[step]
  }
  return value
}

/**
 * A validation issue as a catalogue message. Our schemas name theirs (`issueMessage(key, params)`);
 * an issue zod raised with its own default text is read by its code and numbers, never by its words.
 */
export function refOfIssue(issue: z.core.$ZodIssue, input?: unknown): MessageRef {
  const named = parseIssueMessage(issue.message)
  if (named) return named
  switch (issue.code) {
    case 'invalid_type':
      return { key: input !== undefined && valueAt(input, issue.path) === undefined ? 'validation.required' : 'validation.invalid' }
    case 'too_big':
      return issue.origin === 'string'
        ? { key: 'validation.maxChars', params: { max: Number(issue.maximum) } }
        : { key: 'validation.atMost', params: { max: Number(issue.maximum) } }
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1 ? { key: 'validation.notEmpty' } : { key: 'validation.minChars', params: { min: Number(issue.minimum) } }
      }
      return { key: 'validation.atLeast', params: { min: Number(issue.minimum) } }
    case 'invalid_value':
      return { key: 'validation.oneOf', params: { values: issue.values.map(String).join(', ') } }
    case 'invalid_format':
      return { key: issue.format === 'email' ? 'validation.email' : 'validation.invalid' }
    default:
      return { key: 'validation.invalid' }
  }
}
