import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { synthesize } from '../../../cdktf/main'

/** The Terraform JSON of one synthesized stack (the parts the tests read). */
export interface TerraformJson {
  provider: { aws: Record<string, unknown>[] }
  terraform: { backend: Record<string, Record<string, unknown>> }
  variable: Record<string, { type: string; default: unknown }>
  output: Record<string, { value: string }>
  resource: Record<string, Record<string, Record<string, unknown>>>
  data?: Record<string, Record<string, unknown>>
}

/** Runs the real app (cdktf/main.ts) into a temporary cdktf.out and parses every stack. */
export function synthStacks(env: Record<string, string | undefined> = {}): Record<string, TerraformJson> {
  const outdir = mkdtempSync(join(tmpdir(), 'cdktf-test-'))
  try {
    const app = synthesize(env, outdir)
    const stacks: Record<string, TerraformJson> = {}
    for (const child of app.node.children) {
      const id = child.node.id
      stacks[id] = JSON.parse(readFileSync(join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8')) as TerraformJson
    }
    return stacks
  } finally {
    rmSync(outdir, { recursive: true, force: true })
  }
}

/** The single resource of a type (throws when there is not exactly one). */
export function only(stack: TerraformJson, type: string): Record<string, unknown> {
  const all = Object.values(stack.resource[type] ?? {})
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`)
  return all[0]!
}

export interface Statement {
  Sid: string
  Effect: string
  Action: string[] | string
  Resource: string[] | string
  Principal?: Record<string, string>
  Condition?: Record<string, Record<string, string>>
}

export const statementsOf = (policy: unknown): Statement[] =>
  (JSON.parse(String(policy)) as { Statement: Statement[] }).Statement

export const asList = (value: string[] | string): string[] => (Array.isArray(value) ? value : [value])
