import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DynamoDb } from '../../src/aws/dynamodb'
import { startDevStack } from '../../scripts/lib/dev-stack'
import { isAlive, freePort } from '../../scripts/lib/processes'
import { parseDevVars } from '../../scripts/lib/dev-vars'

const ROOT = resolve(import.meta.dirname ?? '.', '../..')
const dir = mkdtempSync(join(tmpdir(), 'netflix-dev-script-'))
const dataDir = join(dir, 'data')
const devVarsPath = join(dir, '.dev.vars')
const running: ChildProcess[] = []

afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

/**
 * Polls /healthz as an orchestrator would, and signs up the moment it first answers 200: what "ready" must mean
 * (every start of the stack in this file is checked this way, fresh or not).
 */
async function signUpAtFirstReady(url: string, stopped: () => boolean): Promise<{ status: number; body: string }> {
  for (;;) {
    if (stopped()) throw new Error('the stack stopped before /healthz answered 200')
    const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined)
    await health?.body?.cancel()
    if (health?.status === 200) {
      const res = await fetch(`${url}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: `ready-${crypto.randomUUID()}@example.com`, password: 'a long enough password' }),
      })
      return { status: res.status, body: await res.text() }
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * Runs scripts/dev.ts the way `npm start` does (npm execs exactly this), until it prints its URL; a sign-up is sent
 * the moment /healthz first answers, while it starts.
 */
async function npmStart(port: number): Promise<{ child: ChildProcess; url: string; pids: number[]; output: () => string; firstSignUp: { status: number; body: string } }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, DEV_VARS_PATH: devVarsPath, TMDB_API_KEY: '', SAMPLE_VIDEOS: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.push(child)
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const firstSignUp = signUpAtFirstReady(`http://127.0.0.1:${port}`, () => child.exitCode !== null)
  await new Promise<void>((ready, fail) => {
    const check = () => /Ready on http:\/\/\S+ +\(started/.test(output) && ready()
    child.stdout!.on('data', check)
    child.once('exit', (code) => fail(new Error(`npm start exited (${code}) before it was ready:\n${output}`)))
  })
  const state = JSON.parse(readFileSync(join(dataDir, 'dev-state.json'), 'utf8')) as { url: string; pids: number[] }
  return { child, url: state.url, pids: state.pids, output: () => output, firstSignUp: await firstSignUp }
}

/** Processes whose process group is one of `groups` (workerd runs in wrangler's group). */
function membersOf(groups: number[]): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,pgid=,comm='], { encoding: 'utf8' }).stdout
  return ps
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, pgid]) => groups.includes(Number(pgid)))
    .map((fields) => fields.join(' '))
}

async function stopWith(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  child.kill(signal)
  return exited
}

describe('npm start (scripts/dev.ts)', () => {
  const table = 'netflix-clone'
  const marker = { pk: `DEVTEST#${Date.now()}`, sk: 'PERSISTED', note: 'written by the first start' }
  let firstSecret = ''

  it('should take a sign-up the moment /healthz first answers on a fresh start, serve /healthz, and leave no process behind after SIGTERM', { timeout: 240_000 }, async () => {
    const port = await freePort()
    const first = await npmStart(port)
    expect(first.firstSignUp, 'sign-up at the first 200').toMatchObject({ status: 201 })
    expect(first.url).toBe(`http://127.0.0.1:${port}`)
    const health = await fetch(`${first.url}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok', checks: { dynamodb: 'ok' } })
    expect(membersOf(first.pids).some((line) => line.includes('workerd'))).toBe(true)

    const vars = parseDevVars(readFileSync(devVarsPath, 'utf8'))
    // The local SES server: its inbox page is printed, answers, and is the worker's SES_ENDPOINT; links use PUBLIC_URL.
    for (let i = 0; i < 50 && !/Email inbox/.test(first.output()); i++) await new Promise((resolve) => setTimeout(resolve, 100))
    const inbox = /Email inbox \(local SES\): (\S+)/.exec(first.output())?.[1]
    expect(inbox).toBe(`${vars.SES_ENDPOINT}/`)
    expect((await fetch(inbox!)).status).toBe(200)
    expect(vars.PUBLIC_URL).toBe(first.url)
    firstSecret = vars.JWT_SECRET!
    expect(firstSecret).toMatch(/^[0-9a-f]{64}$/)
    const db = DynamoDb.fromConfig({ AWS_REGION: vars.AWS_REGION!, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', DYNAMODB_ENDPOINT: vars.DYNAMODB_ENDPOINT! })
    await db.put(table, marker)

    expect(await stopWith(first.child, 'SIGTERM')).toBe(0)
    expect(first.pids.filter(isAlive)).toEqual([])
    expect(membersOf(first.pids)).toEqual([])
  })

  it('should keep DynamoDB data and the JWT secret across restarts with the same DATA_DIR, take a sign-up at its first 200 again, and stop on SIGINT', { timeout: 240_000 }, async () => {
    expect(firstSecret).not.toBe('')
    const second = await npmStart(await freePort())
    expect(second.firstSignUp, 'sign-up at the first 200 after a restart').toMatchObject({ status: 201 })
    const vars = parseDevVars(readFileSync(devVarsPath, 'utf8'))
    expect(vars.JWT_SECRET).toBe(firstSecret)
    const db = DynamoDb.fromConfig({ AWS_REGION: vars.AWS_REGION!, AWS_ACCESS_KEY_ID: 'other', AWS_SECRET_ACCESS_KEY: 'other', DYNAMODB_ENDPOINT: vars.DYNAMODB_ENDPOINT! })
    expect(await db.get(table, { pk: marker.pk, sk: marker.sk })).toEqual(marker)

    expect(await stopWith(second.child, 'SIGINT')).toBe(0)
    expect(second.pids.filter(isAlive)).toEqual([])
    expect(membersOf(second.pids)).toEqual([])
  })

  it('should refuse a bad configuration with one clear line and exit 1', { timeout: 60_000 }, () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], {
      cwd: ROOT,
      env: { ...process.env, JWT_SECRET: 'too-short', DATA_DIR: dataDir, DEV_VARS_PATH: devVarsPath },
      encoding: 'utf8',
    })
    expect(result.status).toBe(1)
    expect(result.stderr.trim()).toBe('Invalid configuration: JWT_SECRET must be at least 32 bytes')
  })
})

/** Fresh starts beyond the one above (a fresh DATA_DIR each: the table is created every time). READINESS_RESTARTS=20 for a longer run. */
const RESTARTS = Number(process.env.READINESS_RESTARTS ?? 3)

describe('readiness across fresh starts (npm start\'s stack)', () => {
  // With the two `npm start` runs above, five starts in all take a sign-up at their first 200 (four of them fresh).
  it(`should accept a sign-up sent the moment /healthz first answers 200, on ${RESTARTS} more fresh starts`, { timeout: RESTARTS * 120_000 }, async () => {
    for (let run = 1; run <= RESTARTS; run++) {
      const fresh = mkdtempSync(join(tmpdir(), 'netflix-readiness-'))
      const port = await freePort()
      let stopped = false
      const starting = startDevStack({ port, dataDir: join(fresh, 'data'), devVarsPath: join(fresh, '.dev.vars'), env: {} })
      starting.catch(() => (stopped = true))
      try {
        const first = await signUpAtFirstReady(`http://127.0.0.1:${port}`, () => stopped)
        expect(first, `start ${run}`).toMatchObject({ status: 201 })
      } finally {
        await (await starting).stop()
        rmSync(fresh, { recursive: true, force: true })
      }
    }
  })
})
