import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { deploySteps, destroySteps, type DeployTools } from '../../scripts/lib/deploy-plan'
import { ensureR2Bucket, r2BucketNames, readDeployInputs } from '../../scripts/lib/deploy-support'

/** npm run deploy / destroy as their steps (scripts/lib/deploy-plan.ts), run against recorded stand-ins for cdktf and wrangler. */
const ready = { AWS_REGION: 'region-from-env', TF_STATE_BUCKET: 'state', CLOUDFLARE_API_TOKEN: 'token' }
const DIGEST = `sha256:${'d'.repeat(64)}`
const listing = (names: string[]) => `Listing buckets...\n${names.map((name) => `name:           ${name}\ncreation_date:  2026-12-01T00:00:00.000Z`).join('\n\n')}\n`

interface Call { tool: string; args: string[]; env?: NodeJS.ProcessEnv }
let dirs: string[] = []
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  dirs = []
})

/** A repo root with the real wrangler.toml, an out dir, and tools that record what they are asked (cdktf writes its outputs file). */
function fakeDeployment(buckets: string[], deployed = '') {
  const root = mkdtempSync(join(tmpdir(), 'deploy-plan-'))
  dirs.push(root)
  copyFileSync('wrangler.toml', join(root, 'wrangler.toml'))
  const calls: Call[] = []
  const tools: DeployTools = {
    run(tool, args, options) {
      calls.push({ tool, args, env: options.env })
      // `cdktf output`: what the transcoder stack runs now (none before its first deploy).
      if (args[0] === 'output') {
        if (deployed === 'unreadable') throw new Error('cdktf output failed (exit 1)')
        // Before the stack's first deploy its state holds no output.
        writeFileSync(args[3]!, JSON.stringify({ [args[1]!]: deployed ? { transcoder_image_digest_deployed: deployed } : {} }))
      }
      const file = args[args.indexOf('--outputs-file') + 1]
      if (args[0] === 'deploy' && args.includes('--outputs-file') && file) {
        writeFileSync(file, JSON.stringify({ [args[1]!]: { table_name: 'films-dev', topic_arn: 'arn:t', queue_url: 'https://q', region: 'r', worker_user_name: 'u', hostname: '' } }))
      }
    },
    wrangler(args) {
      calls.push({ tool: 'wrangler', args })
      if (args.join(' ') === 'r2 bucket list') return listing(buckets)
      if (args[0] === 'r2' && args[2] === 'create') buckets.push(args[3]!)
      if (args.join(' ') === 'kv namespace list') return JSON.stringify([{ id: 'a'.repeat(32), title: 'films-dev-tmdb-cache' }])
      if (args[0] === 'deploy') return 'Deployed films-dev\n  https://films-dev.example.workers.dev\n'
      return ''
    },
  }
  return { root, calls, tools, paths: { root, outDir: root } }
}

describe('npm run deploy', () => {
  it('should list the R2 bucket and the transcoder stack in its dry run, needing no credential or terraform', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/deploy.ts', '--dry-run'], {
      env: { HOME: tmpdir(), PATH: dirname(process.execPath), DEPLOY_ENV: 'dev' },
      encoding: 'utf8',
    })
    expect(result.status, result.stderr).toBe(0)
    const steps = result.stdout.split('\n').filter((line) => /^\s+\d+\. /.test(line)).map((line) => line.trim())
    expect(steps.map((line) => line.split(':')[0])).toEqual([
      '1. cdktf deploy netflix-clone-dev',
      '2. wrangler r2 bucket create netflix-clone-dev-media (if missing)',
      '3. wrangler kv namespace create netflix-clone-dev-tmdb-cache (if missing)',
      '4. wrangler deploy netflix-clone-dev with the stack\'s outputs as vars, the KV namespace and the R2 bucket',
      expect.stringMatching(/^5\. write .*outputs\.json/),
      '6. cdktf deploy netflix-clone-dev-transcoder',
    ])
    expect(result.stdout).not.toContain('$ ')
  }, 30_000)

  it('should create the bucket when missing, bind it, then deploy the transcoder stack with the worker\'s URL and the image digest', () => {
    const { calls, tools, paths, root } = fakeDeployment(['someone-elses'])
    const inputs = readDeployInputs({ ...ready, DEPLOY_ENV: 'dev', STACK_PREFIX: 'films' })
    const state = {}
    for (const step of deploySteps(inputs, paths, tools, { TRANSCODER_IMAGE_DIGEST: DIGEST })) step.run(state)
    const order = calls.map((call) => `${call.tool} ${call.args.slice(0, 4).join(' ')}`)
    expect(order).toEqual([
      `cdktf deploy films-dev --auto-approve --outputs-file`,
      'wrangler r2 bucket list',
      'wrangler r2 bucket create films-dev-media',
      'wrangler r2 bucket list',
      'wrangler kv namespace list',
      `wrangler deploy -c ${join(root, 'wrangler.toml')} --name`,
      'cdktf deploy films-dev-transcoder --auto-approve',
    ])
    const transcoder = calls.at(-1)!
    expect(transcoder.env).toMatchObject({ TF_VAR_app_url: 'https://films-dev.example.workers.dev', TF_VAR_transcoder_image_digest: DIGEST, STACK_ENVIRONMENTS: 'dev' })
    expect(readFileSync(join(root, 'wrangler.toml'), 'utf8')).toMatch(/binding = "MEDIA"\n(#.*\n)*bucket_name = "films-dev-media"/)
    expect(JSON.parse(readFileSync(join(root, 'outputs.json'), 'utf8'))).toMatchObject({ media_bucket: 'films-dev-media', media_write_secret_parameter: '/films-dev/MEDIA_WRITE_SECRET', worker_url: 'https://films-dev.example.workers.dev' })
  })

  it('should keep an existing bucket, and deploy no transcoder stack for an environment on ECS (its stack has one)', () => {
    const { calls, tools, paths, root } = fakeDeployment(['films-dev-media'])
    const inputs = readDeployInputs({ ...ready, DEPLOY_ENV: 'dev', STACK_PREFIX: 'films', ECS_ENVIRONMENTS: 'dev' })
    const state = {}
    for (const step of deploySteps(inputs, paths, tools, {})) step.run(state)
    expect(calls.filter((call) => call.args.includes('create'))).toEqual([])
    expect(calls.filter((call) => call.tool === 'cdktf').map((call) => call.args[1])).toEqual(['films-dev'])
    expect(JSON.parse(readFileSync(join(root, 'outputs.json'), 'utf8'))).not.toHaveProperty('media_write_secret_parameter')
    // Nor for one on Kubernetes (its transcoder is a Deployment).
    const onKubernetes = readDeployInputs({ ...ready, DEPLOY_ENV: 'dev', KUBERNETES_ENVIRONMENTS: 'dev' })
    expect(deploySteps(onKubernetes, paths, tools, {}).map((step) => step.title).join('\n')).not.toMatch(/cdktf deploy \S+-transcoder/)
  })

  it('should refuse a transcoder image that is not a digest', () => {
    const inputs = readDeployInputs({ ...ready, DEPLOY_ENV: 'dev' })
    expect(() => deploySteps(inputs, { root: '.', outDir: '.' }, fakeDeployment([]).tools, { TRANSCODER_IMAGE_DIGEST: 'latest' })).toThrow(/TRANSCODER_IMAGE_DIGEST must be sha256:/)
  })

  it('should read bucket names from wrangler\'s listing and create a bucket only once', () => {
    expect(r2BucketNames(listing(['a-media', 'b-media']))).toEqual(['a-media', 'b-media'])
    expect(r2BucketNames('Listing buckets...\n\n')).toEqual([])
    const buckets: string[] = []
    const wrangler = (args: string[]) => (args[2] === 'create' ? (buckets.push(args[3]!), '') : listing(buckets))
    ensureR2Bucket('mine', wrangler)
    ensureR2Bucket('mine', wrangler)
    expect(buckets).toEqual(['mine'])
  })
})

describe('npm run deploy, in two stages (the workflow sets the worker\'s secrets between them)', () => {
  it('should keep the transcoder image that runs when TRANSCODER_IMAGE_DIGEST is not given, and take the worker\'s URL from the first stage', () => {
    const running = `sha256:${'e'.repeat(64)}`
    const { calls, tools, paths } = fakeDeployment(['films-dev-media'], running)
    const inputs = readDeployInputs({ ...ready, DEPLOY_ENV: 'dev', STACK_PREFIX: 'films' })
    const state = {}
    for (const step of deploySteps(inputs, paths, tools, {}, 'app')) step.run(state)
    expect(calls.filter((call) => call.tool === 'cdktf').map((call) => call.args[1])).toEqual(['films-dev'])
    calls.length = 0
    // A later process: only the summary the app stage wrote says where the worker is.
    for (const step of deploySteps(readDeployInputs({ AWS_REGION: 'r', TF_STATE_BUCKET: 'state', DEPLOY_ENV: 'dev', STACK_PREFIX: 'films' }, { cloudflare: false }), paths, tools, {}, 'transcoder')) step.run({})
    expect(calls.map((call) => call.args.slice(0, 2).join(' '))).toEqual(['output films-dev-transcoder', 'deploy films-dev-transcoder'])
    expect(calls.at(-1)!.env).toMatchObject({ TF_VAR_app_url: 'https://films-dev.example.workers.dev', TF_VAR_transcoder_image_digest: running })
  })

  it('should deploy with no image before the first one exists, and need a Cloudflare token only for the app stage', () => {
    const { calls, tools, paths } = fakeDeployment([])
    writeFileSync(join(paths.outDir, 'outputs.json'), JSON.stringify({ environment: 'dev', worker_name: 'films-dev', worker_url: 'https://films.example' }))
    const inputs = readDeployInputs({ AWS_REGION: 'r', TF_STATE_BUCKET: 'state', DEPLOY_ENV: 'dev', STACK_PREFIX: 'films' }, { cloudflare: false })
    for (const step of deploySteps(inputs, paths, tools, {}, 'transcoder')) step.run({})
    expect(calls.at(-1)!.env).toMatchObject({ TF_VAR_app_url: 'https://films.example', TF_VAR_transcoder_image_digest: '' })
    expect(() => readDeployInputs({ AWS_REGION: 'r', TF_STATE_BUCKET: 'state' })).toThrow(/CLOUDFLARE_API_TOKEN/)
  })

  it('should stop, deploying nothing, when it cannot read the image that runs, or only knows another environment\'s worker', () => {
    const unreadable = fakeDeployment([], 'unreadable')
    writeFileSync(join(unreadable.paths.outDir, 'outputs.json'), JSON.stringify({ environment: 'dev', worker_name: 'films-dev', worker_url: 'https://films.example' }))
    const inputs = readDeployInputs({ AWS_REGION: 'r', TF_STATE_BUCKET: 'state', DEPLOY_ENV: 'dev', STACK_PREFIX: 'films' }, { cloudflare: false })
    expect(() => deploySteps(inputs, unreadable.paths, unreadable.tools, {}, 'transcoder')[0]!.run({})).toThrow(/Could not read the transcoder image .* set TRANSCODER_IMAGE_DIGEST/)
    // Told explicitly, it deploys without one.
    deploySteps(inputs, unreadable.paths, unreadable.tools, { TRANSCODER_IMAGE_DIGEST: 'none' }, 'transcoder')[0]!.run({})
    expect(unreadable.calls.filter((call) => call.args[0] === 'deploy').map((call) => call.env?.TF_VAR_transcoder_image_digest)).toEqual([''])

    const other = fakeDeployment([])
    writeFileSync(join(other.paths.outDir, 'outputs.json'), JSON.stringify({ environment: 'prod', worker_name: 'films', worker_url: 'https://films.example' }))
    expect(() => deploySteps(inputs, other.paths, other.tools, {}, 'transcoder')[0]!.run({})).toThrow(/URL of worker films-dev is unknown/)
    expect(other.calls).toEqual([])
  })
})

describe('npm run destroy', () => {
  const destroyed = (deleteBucket: boolean) => {
    const { calls, tools, paths } = fakeDeployment(['films-dev-media'])
    const inputs = readDeployInputs({ ...ready, DEPLOY_ENV: 'dev', STACK_PREFIX: 'films' })
    for (const step of destroySteps(inputs, paths, tools, {}, deleteBucket)) step.run({})
    return calls.map((call) => `${call.tool} ${call.args.join(' ')}`)
  }

  it('should remove the worker, its KV namespace, the transcoder stack, then the app stack, and keep the bucket unless asked', () => {
    expect(destroyed(false)).toEqual([
      'wrangler delete films-dev --force',
      'wrangler kv namespace list',
      `wrangler kv namespace delete --namespace-id ${'a'.repeat(32)}`,
      'cdktf destroy films-dev-transcoder --auto-approve',
      'cdktf destroy films-dev --auto-approve',
    ])
    expect(destroyed(true).slice(-2)).toEqual(['wrangler r2 bucket list', 'wrangler r2 bucket delete films-dev-media'])
  })

  it('should destroy an environment\'s ECS or Kubernetes stack before its app stack, with stand-ins for the variables only deploy uses', () => {
    for (const [variable, stack, standIn] of [['ECS_ENVIRONMENTS', 'films-dev-ecs', 'TF_VAR_image_tag'], ['KUBERNETES_ENVIRONMENTS', 'films-dev-kubernetes', 'TF_VAR_oidc_issuer']] as const) {
      const { calls, tools, paths } = fakeDeployment([])
      const inputs = readDeployInputs({ ...ready, DEPLOY_ENV: 'dev', STACK_PREFIX: 'films', [variable]: 'dev' })
      for (const step of destroySteps(inputs, paths, tools, {}, false)) step.run({})
      const destroys = calls.filter((call) => call.tool === 'cdktf')
      expect(destroys.map((call) => call.args[1])).toEqual([stack, 'films-dev'])
      expect(destroys[0]!.env).toHaveProperty(standIn)
      // The ECS stack's required certificate (audit 3, M6) too, one its validation accepts.
      if (variable === 'ECS_ENVIRONMENTS') expect(destroys[0]!.env).toMatchObject({ TF_VAR_certificate_arn: expect.stringMatching(/^arn:[^:]+:acm:/) })
    }
  })
})
