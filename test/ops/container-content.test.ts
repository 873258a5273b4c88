import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { execFile, spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalAws, type LocalAws } from '../../scripts/local-aws'
import { freePort, spawnGroup, waitUntil, type Child } from '../../scripts/lib/processes'
import { envOf, execForm, readDockerfile } from './support/dockerfile'
import { assembleImageStage, type ImageStage } from './support/image-stage'

/**
 * The image's content, proven without a container runtime (none on these machines): exactly what the
 * Dockerfile's final stage holds, assembled by its own instructions (support/image-stage.ts), started
 * with the image's CMD and ENV against DynamoDB Local + fauxqs, used as a visitor would.
 */
const ROOT = process.cwd()
const PREFIX = 'image-content'
let workDir: string
let stage: ImageStage
let aws: LocalAws
let server: Child
let baseUrl: string
let runtimeEnv: Record<string, string>

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'flixpeek-image-'))
  const started = Date.now()
  // In parallel: the local AWS stand-ins and the stage assembly (both mostly wait on other processes).
  ;[aws, stage] = await Promise.all([startLocalAws({ dataDir: null, prefix: PREFIX }), assembleImageStage(ROOT, workDir)])
  const port = await freePort()
  runtimeEnv = {
    // Nothing of this machine's environment but PATH: the container has only what the image and its orchestrator set.
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...stage.env,
    // Loopback instead of the image's 0.0.0.0: this machine is shared (a container's own interfaces are not).
    HOST: '127.0.0.1',
    PORT: String(port),
    ...aws.vars,
    ENVIRONMENT: 'development',
    JWT_SECRET: 'image-test-secret-that-is-at-least-32-bytes!',
    PASSWORD_PEPPER: 'image-test-pepper-that-is-at-least-32-bytes',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    // As deployed (deploy/kubernetes, the ECS stack): the cron CLI runs the triggers, not the server's scheduler.
    CRON_SCHEDULER: 'off',
  }
  baseUrl = `http://127.0.0.1:${port}`
  const [program, ...args] = stage.command
  server = spawnGroup('node dist/server.js (image content)', program === 'node' ? process.execPath : program!, args, { cwd: stage.appDir, env: runtimeEnv })
  await waitUntil('the image\'s server', async () => {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5000) })
    await response.body?.cancel()
    return response.status === 200
  }, { child: server, timeoutMs: 60_000, intervalMs: 100 })
  console.info(`image content: assembled and serving in ${Date.now() - started} ms (context ${stage.timings.contextMs} ms, build ${stage.timings.buildMs} ms, production dependencies ${stage.timings.dependenciesMs} ms)`)
}, 120_000)

afterAll(async () => {
  await server?.stop()
  await aws?.stop()
  if (workDir) rmSync(workDir, { recursive: true, force: true })
}, 30_000)

// A sign-up hashes a password (Argon2id) and writes DynamoDB Local; on a loaded two-core machine that is seconds, not ms.
describe('the image content (Dockerfile final stage)', { timeout: 30_000 }, () => {
  it('should hold dist/, the manifests and production dependencies only', () => {
    expect(readdirSync(stage.appDir).sort()).toEqual(['dist', 'node_modules', 'package-lock.json', 'package.json'])
    for (const entry of ['server.js', 'cron.js']) expect(existsSync(join(stage.appDir, 'dist', entry)), `dist/${entry}`).toBe(true)
    const modules = readdirSync(join(stage.appDir, 'node_modules'))
    expect(modules).toEqual(expect.arrayContaining(['hono', '@hono']))
    for (const devOnly of ['vitest', 'wrangler', 'esbuild', 'typescript', 'cdktf', 'kubernetes-models']) expect(modules).not.toContain(devOnly)
  })

  it('should serve the home page with its stylesheet', async () => {
    const home = await fetch(`${baseUrl}/`)
    expect(home.status).toBe(200)
    expect(home.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await home.text()
    expect(html).toMatch(/Flixpeek/)
    const stylesheet = /<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/.exec(html)?.[1] ?? /href="([^"]+\.css)"/.exec(html)?.[1]
    expect(stylesheet).toBeDefined()
    const css = await fetch(new URL(stylesheet!, baseUrl))
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toMatch(/text\/css/)
  })

  it('should sign a visitor up through the form and through the API (argon2 and DynamoDB work in the image)', async () => {
    const form = await fetch(`${baseUrl}/signup`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: baseUrl },
      body: new URLSearchParams({ email: `form-${crypto.randomUUID()}@example.com`, password: 'a long enough password' }),
    })
    expect(form.status).toBe(303)
    expect(form.headers.get('set-cookie')).toBeTruthy()

    const email = `api-${crypto.randomUUID()}@example.com`
    const signup = await fetch(`${baseUrl}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: 'a long enough password' }),
    })
    expect(signup.status).toBe(201)
    const { token } = (await signup.json()) as { token: string }
    const me = await fetch(`${baseUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } })
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ email })
  })

  it('should refuse to start with the image\'s own configuration alone: production, and no secret given (audit 3, L4)', async () => {
    const bare = spawnGroup('node dist/server.js (no configuration)', process.execPath, ['dist/server.js'], {
      cwd: stage.appDir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...stage.env, HOST: '127.0.0.1', PORT: String(await freePort()) },
    })
    expect(await bare.exited, bare.output()).not.toBe(0)
    expect(bare.output()).toMatch(/JWT_SECRET/)
  })

  it('should run a cron trigger with the cron CLI, as the CronJobs and scheduled tasks do', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['dist/cron.js', '*/5 * * * *'], { cwd: stage.appDir, env: runtimeEnv, timeout: 30_000 })
    expect(stdout).toMatch(/"cron"/)
  })
})

/**
 * `docker build --target transcoder`: the same dist/ and node_modules as the final stage (container-dockerfile.test.ts
 * holds it to that), started with its own CMD, ENV and USER; its /scratch stands in a folder only root may write,
 * as the image's / is (a temp dir instead of /scratch; this machine's ffmpeg and ffprobe instead of Debian's).
 */
describe('the transcoder target on the same content', { timeout: 30_000 }, () => {
  const transcoder = readDockerfile(join(ROOT, 'Dockerfile')).stages.find((s) => s.name === 'transcoder')!
  const [uid = 0, gid = uid] = transcoder.instructions.filter((i) => i.keyword === 'USER').at(-1)!.args.split(':').map(Number)
  const asRoot = process.getuid?.() === 0
  let imageRoot: string
  let scratch: string
  const running = new Set<number>()

  beforeAll(() => {
    imageRoot = join(workDir, 'image-root')
    scratch = join(imageRoot, 'scratch')
    mkdirSync(scratch, { recursive: true })
    if (asRoot) {
      // Root writes anywhere: the worker runs as the image's USER instead, which must reach the app dir.
      chmodSync(workDir, 0o755)
      chownSync(scratch, uid, gid)
    } else {
      chmodSync(imageRoot, 0o555)
    }
  })
  afterAll(() => {
    for (const pid of running) process.kill(pid, 'SIGKILL')
    if (imageRoot) chmodSync(imageRoot, 0o755)
  })

  /** The target's CMD with the given variables; `ready` resolves true on its first line of work, false if it exits first. */
  const start = (env: Record<string, string>) => {
    const [program, ...args] = execForm(transcoder.instructions.filter((i) => i.keyword === 'CMD').at(-1)!.args)!
    const child = spawn(program === 'node' ? process.execPath : program!, args, {
      cwd: stage.appDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid, gid } : {}),
    })
    running.add(child.pid!)
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | string>((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child.pid!)
        resolve(code ?? signal ?? -1)
      })
    })
    const ready = new Promise<boolean>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        if (stdout.includes('Transcoder: waiting for uploaded videos')) resolve(true)
      })
      void exited.then(() => resolve(false))
    })
    return { ready, exited, stop: () => child.kill('SIGTERM'), output: () => `stdout:\n${stdout}\nstderr:\n${stderr}`, stderr: () => stderr }
  }
  // Development, as the web image's test runs (the image itself defaults to production, which wants real media and AWS).
  const targetEnv = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', ...envOf(transcoder), TRANSCODE_SCRATCH_DIR: scratch, ...aws.vars, ENVIRONMENT: 'development' })

  it('should wait for uploaded videos, as its USER with its ENV, and exit 0 on SIGTERM', async () => {
    const worker = start(targetEnv())
    expect(await worker.ready, worker.output()).toBe(true)
    worker.stop()
    expect(await worker.exited, worker.output()).toBe(0)
  })

  it('should exit 1 naming TRANSCODE_QUEUE_URL, without a stack trace, when that variable is missing', async () => {
    const env: Record<string, string> = targetEnv()
    delete env.TRANSCODE_QUEUE_URL
    const worker = start(env)
    expect(await worker.exited, worker.output()).toBe(1)
    expect(worker.stderr()).toMatch(/TRANSCODE_QUEUE_URL/)
    expect(worker.stderr()).not.toMatch(/^\s+at /m)
  })
})
