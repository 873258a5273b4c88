import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  deployConfig,
  ensureKvNamespace,
  missingTools,
  parseStackOutputs,
  readDeployInputs,
  workerVars,
} from '../../scripts/lib/deploy-support'

const ROOT = resolve('.')
const ready = { AWS_REGION: 'region-from-env', TF_STATE_BUCKET: 'state', CLOUDFLARE_API_TOKEN: 'token' }
const outputs = {
  'netflix-clone-prod': {
    table_name: 'netflix-clone-prod',
    topic_arn: 'arn:aws:sns:r:1:netflix-clone-prod-events',
    queue_url: 'https://sqs.r.amazonaws.com/1/netflix-clone-prod-notifications',
    dead_letter_queue_url: 'https://sqs.r.amazonaws.com/1/netflix-clone-prod-notifications-dlq',
    region: 'r',
    worker_user_name: 'netflix-clone-prod-worker',
    hostname: '',
  },
}

function runScript(script: string, env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', script], {
    env: { HOME: tmpdir(), PATH: dirname(process.execPath), ...env },
    encoding: 'utf8',
  })
}

describe('deploy inputs', () => {
  it('should name the stack, worker and KV namespace from the prefix and environment', () => {
    expect(readDeployInputs(ready)).toMatchObject({ stack: 'netflix-clone-prod', workerName: 'netflix-clone', kvTitle: 'netflix-clone-prod-tmdb-cache' })
    expect(readDeployInputs({ ...ready, DEPLOY_ENV: 'dev', STACK_PREFIX: 'films' })).toMatchObject({
      stack: 'films-dev',
      workerName: 'films-dev',
      environments: ['dev'],
      remoteState: { bucket: 'state', region: 'region-from-env', keyPrefix: 'films' },
    })
  })

  it('should require remote state, AWS_REGION and a Cloudflare token, naming what is missing', () => {
    expect(() => readDeployInputs({})).toThrow(/Missing AWS_REGION, TF_STATE_BUCKET, CLOUDFLARE_API_TOKEN/)
    expect(() => readDeployInputs({ ...ready, DEPLOY_ENV: 'staging' })).toThrow(/DEPLOY_ENV must be one of dev, prod/)
  })

  it('should find tools only on PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'path-'))
    writeFileSync(join(dir, 'terraform'), '')
    expect(missingTools(['terraform', 'cdktf'], dir)).toEqual(['cdktf'])
    rmSync(dir, { recursive: true })
  })
})

describe('npm run deploy / destroy preconditions', () => {
  it('should stop with a clear message when the state bucket and credentials are missing', () => {
    const result = runScript('scripts/deploy.ts', {})
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('Missing AWS_REGION, TF_STATE_BUCKET, CLOUDFLARE_API_TOKEN')
    expect(result.stderr).not.toMatch(/\n\s+at /)
  }, 30_000)

  it('should stop with install hints when terraform and cdktf-cli are not on PATH', () => {
    const result = runScript('scripts/destroy.ts', { ...ready, DEPLOY_ENV: 'dev' })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/terraform: install the Terraform CLI/)
    expect(result.stderr).toMatch(/cdktf: npm install -g cdktf-cli@0\.21\.0/)
  }, 30_000)

  it('should refuse to destroy prod unless deletion protection is lifted', () => {
    const bin = mkdtempSync(join(tmpdir(), 'bin-'))
    for (const tool of ['terraform', 'cdktf']) writeFileSync(join(bin, tool), '#!/bin/sh\nexit 99\n', { mode: 0o755 })
    try {
      const result = runScript('scripts/destroy.ts', { ...ready, PATH: `${bin}:${dirname(process.execPath)}` })
      expect(result.status).toBe(1)
      expect(result.stderr).toContain('The prod table has deletion protection')
      expect(result.stdout).not.toContain('$ cdktf')
    } finally {
      rmSync(bin, { recursive: true })
    }
  }, 30_000)
})

describe('worker configuration from the stack outputs', () => {
  it('should read the outputs cdktf writes, in snake or camel case', () => {
    const parsed = parseStackOutputs(JSON.stringify(outputs), 'netflix-clone-prod')
    expect(workerVars(parsed)).toEqual({
      ENVIRONMENT: 'production',
      AWS_REGION: 'r',
      DYNAMODB_TABLE: 'netflix-clone-prod',
      SNS_TOPIC_ARN: 'arn:aws:sns:r:1:netflix-clone-prod-events',
      SQS_QUEUE_URL: 'https://sqs.r.amazonaws.com/1/netflix-clone-prod-notifications',
    })
    const camel = { s: { tableName: 't', topicArn: 'a', queueUrl: 'q', region: 'r', workerUserName: 'u' } }
    expect(parseStackOutputs(JSON.stringify(camel), 's')).toMatchObject({ table_name: 't', worker_user_name: 'u' })
    expect(() => parseStackOutputs('{"s":{}}', 's')).toThrow(/table_name is missing/)
  })

  it('should find or create the KV namespace by title', () => {
    const namespaces = [{ id: 'a'.repeat(32), title: 'other' }]
    const calls: string[] = []
    const wrangler = (args: string[]) => {
      calls.push(args.join(' '))
      if (args[2] === 'create') namespaces.push({ id: 'b'.repeat(32), title: args[3]! })
      return JSON.stringify(namespaces)
    }
    expect(ensureKvNamespace('mine', wrangler)).toBe('b'.repeat(32))
    expect(ensureKvNamespace('mine', wrangler)).toBe('b'.repeat(32))
    expect(calls.filter((c) => c.includes('create'))).toEqual(['kv namespace create mine'])
  })

  it('should write a wrangler config that wrangler itself accepts and bundles (dry run, offline)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-config-'))
    try {
      const vars = workerVars(parseStackOutputs(JSON.stringify(outputs), 'netflix-clone-prod'))
      const config = deployConfig(readFileSync('wrangler.toml', 'utf8'), ROOT, 'c'.repeat(32), vars, 'example-edge.net', 'netflix-clone-prod-media')
      expect(config).toMatch(/\nid = "c{32}"/)
      expect(config).toContain('routes = [{ pattern = "*/*", zone_name = "example-edge.net" }]')
      expect(config).toContain(`main = "${join(ROOT, 'src/main/worker.ts')}"`)
      mkdirSync(join(dir, 'cfg'))
      writeFileSync(join(dir, 'cfg', 'wrangler.toml'), config)
      const result = spawnSync(join(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '-c', join(dir, 'cfg', 'wrangler.toml'), '--outdir', join(dir, 'out')], {
        cwd: ROOT,
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true' },
        encoding: 'utf8',
      })
      expect(result.status, result.stderr).toBe(0)
      expect(result.stdout).toContain('env.TMDB_CACHE')
      expect(result.stdout).toContain('c'.repeat(32))
      expect(result.stdout).toContain('env.SQS_QUEUE_URL')
      // The environment's own R2 bucket, which deploy creates when missing.
      expect(result.stdout).toMatch(/env\.MEDIA \(netflix-clone-prod-media\)/)
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/Unexpected fields|is not a valid/i)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it('should serve production on its own hostname only: workers.dev and preview URLs off, on again only for a worker with no hostname yet (audit 3, I2)', () => {
    const toml = readFileSync('wrangler.toml', 'utf8')
    // Top-level keys (before the first [table]): wrangler dev ignores both, so npm start is unchanged.
    const top = toml.slice(0, toml.search(/^\[/m))
    expect(top).toMatch(/^workers_dev = false$/m)
    expect(top).toMatch(/^preview_urls = false$/m)
    const vars = workerVars(parseStackOutputs(JSON.stringify(outputs), 'netflix-clone-prod'))
    const withHostname = deployConfig(toml, ROOT, 'c'.repeat(32), vars, 'example-edge.net')
    expect(withHostname).toMatch(/^workers_dev = false$/m)
    expect(withHostname).toMatch(/^preview_urls = false$/m)
    // Without CLOUDFLARE_SAAS_ZONE (before docs/setup.md §7), workers.dev is the worker's only address.
    const withoutHostname = deployConfig(toml, ROOT, 'c'.repeat(32), vars)
    expect(withoutHostname).toMatch(/^workers_dev = true$/m)
    expect(withoutHostname).toMatch(/^preview_urls = false$/m)
  })

  it('should refuse a malformed KV namespace id', () => {
    expect(() => deployConfig(readFileSync('wrangler.toml', 'utf8'), ROOT, 'nope', {})).toThrow(/not a 32-hex-digit id/)
  })
})
