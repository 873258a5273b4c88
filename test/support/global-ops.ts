import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** This run's synthesized CDKTF stacks, one JSON file per set of inputs (test/ops/support/synth.ts). */
    synthDir: string
  }
}

/** A folder for this run's synth results: infra tests synthesize each set of inputs once and share it. */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'flixpeek-synth-'))
  project.provide('synthDir', dir)
  return () => rmSync(dir, { recursive: true, force: true })
}
