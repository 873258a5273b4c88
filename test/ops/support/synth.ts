import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'

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
async function synthesizeNow(env: Record<string, string | undefined>): Promise<Record<string, TerraformJson>> {
  // Imported here: a file whose inputs were already synthesized this run never loads cdktf and the provider.
  const { synthesize } = await import('../../../cdktf/main')
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

/**
 * Every stack for these inputs, synthesized once per run: the first test file to ask writes them into the run's
 * folder (test/support/global-ops.ts), every later file (in any worker) reads them from there.
 */
export async function synthStacks(env: Record<string, string | undefined> = {}): Promise<Record<string, TerraformJson>> {
  const key = createHash('sha256').update(JSON.stringify(Object.entries(env).sort())).digest('hex').slice(0, 16)
  const file = join(inject('synthDir'), `${key}.json`)
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Record<string, TerraformJson>
  const stacks = await synthesizeNow(env)
  // Written whole, then renamed: a file asking at the same moment reads all of it or synthesizes itself.
  writeFileSync(`${file}.${process.pid}`, JSON.stringify(stacks))
  renameSync(`${file}.${process.pid}`, file)
  return stacks
}

/**
 * One synth for the optional stacks beside the app stacks (test/ops/cdktf-ecs.test.ts, cdktf-transcoder.test.ts):
 * prod on ECS, dev on Kubernetes, with remote state to see their own state keys.
 */
export const BESIDE_APP_INPUTS = { ECS_ENVIRONMENTS: 'prod', KUBERNETES_ENVIRONMENTS: 'dev', TF_STATE_BUCKET: 'state-bucket', TF_STATE_REGION: 'input-region' }

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
