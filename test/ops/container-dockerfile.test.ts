import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execForm, readDockerfile, type Stage } from './support/dockerfile'

/** The Dockerfile and .dockerignore rules of CONTRACT.md "Self-hosting" (no container runtime here: read, not built). */
const { stages } = readDockerfile()
const final = stages.at(-1)!
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args)
const stageNamed = (name: string) => stages.find((stage) => stage.name === name)
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PEPPER|PRIVATE|ACCESS_KEY|API_KEY|CREDENTIAL/i

describe('Dockerfile', () => {
  it('should build in several stages, each from Node 20 on Debian slim (or distroless Node 20)', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2)
    for (const stage of stages) expect(stage.image).toMatch(/^(node:20(\.\d+)*-bookworm-slim|gcr\.io\/distroless\/nodejs20-debian12)(@sha256:[0-9a-f]{64})?$/)
  })

  it('should run npm ci and npm run build:node in a build stage, not in the final one', () => {
    const builder = stages.find((stage) => all(stage, 'RUN').some((run) => run.includes('npm run build:node')))
    expect(builder).toBeDefined()
    expect(builder).not.toBe(final)
    expect(all(builder!, 'RUN').some((run) => /\bnpm ci\b/.test(run))).toBe(true)
    expect(all(final, 'RUN')).toEqual([])
  })

  it('should give the final stage only dist/, production dependencies and the package manifests', () => {
    const copies = all(final, 'COPY').map((args) => {
      const parts = args.split(/\s+/)
      const from = parts.find((part) => part.startsWith('--from='))?.slice('--from='.length)
      const paths = parts.filter((part) => !part.startsWith('--'))
      return { from, sources: paths.slice(0, -1), target: paths.at(-1) }
    })
    const fromStages = Object.fromEntries(copies.filter((c) => c.from).map((c) => [c.sources.join(' '), c.from!]))
    expect(fromStages).toEqual({ '/app/node_modules': expect.any(String), '/app/dist': expect.any(String) })
    // node_modules come from a stage that installed production dependencies only, by the lockfile.
    const dependencies = stageNamed(fromStages['/app/node_modules']!)!
    const install = all(dependencies, 'RUN').find((run) => /\bnpm ci\b/.test(run))
    expect(install).toMatch(/npm ci --omit=dev/)
    // From the build context: the two manifests and nothing else (no `COPY . .` into the image).
    const fromContext = copies.filter((c) => !c.from).flatMap((c) => c.sources)
    expect(fromContext.sort()).toEqual(['package-lock.json', 'package.json'])
    expect(all(final, 'ADD')).toEqual([])
  })

  it('should run as a numeric non-root user (runAsNonRoot can verify it), on 0.0.0.0:8787', () => {
    const user = all(final, 'USER').at(-1)
    expect(user).toMatch(/^\d+(:\d+)?$/)
    expect(Number(user!.split(':')[0])).toBeGreaterThan(0)
    const env = all(final, 'ENV').join(' ')
    expect(env).toMatch(/(^|\s)HOST=0\.0\.0\.0(\s|$)/)
    expect(all(final, 'EXPOSE')).toEqual(['8787'])
  })

  it('should start node dist/server.js directly (exec form, no npm, no shell)', () => {
    expect(all(final, 'ENTRYPOINT')).toEqual([])
    expect(execForm(all(final, 'CMD').at(-1)!)).toEqual(['node', 'dist/server.js'])
  })

  it('should health-check /healthz with node itself (slim images have no curl or wget)', () => {
    const check = all(final, 'HEALTHCHECK').at(-1)!
    const command = execForm(check)!
    expect(command.slice(0, 2)).toEqual(['node', '-e'])
    expect(command[2]).toContain('/healthz')
    expect(check).not.toMatch(/\b(curl|wget)\b/)
  })

  it('should put no secret in any layer: no secret-named ARG or ENV, no secret file copied', () => {
    for (const stage of stages) {
      for (const keyword of ['ARG', 'ENV']) {
        for (const args of all(stage, keyword)) expect(args, `${keyword} ${args}`).not.toMatch(SECRET_NAME)
      }
      for (const copy of [...all(stage, 'COPY'), ...all(stage, 'ADD')]) expect(copy).not.toMatch(/\.dev\.vars|\.env\b|tfstate/)
    }
  })
})

describe('.dockerignore', () => {
  const ignored = readFileSync('.dockerignore', 'utf8').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'))

  it('should keep secrets, local state and host-built files out of the build context', () => {
    for (const pattern of ['.dev.vars', '.dev.vars.*', '.env', '.env.*', '*.tfstate', '.data', '.wrangler', 'node_modules', 'dist', '.git', 'cdktf.out']) {
      expect(ignored, pattern).toContain(pattern)
    }
  })

  it('should keep what npm ci and the build need', () => {
    for (const needed of ['package.json', 'package-lock.json', 'src', 'views', 'public', 'scripts', 'tsconfig.json']) {
      expect(ignored.some((pattern) => pattern === needed || pattern === `${needed}/` || pattern === '*'), needed).toBe(false)
    }
  })
})

// Two node processes start here: seconds on a loaded machine.
describe('the HEALTHCHECK command', { timeout: 30_000 }, () => {
  let server: Server
  let status = 200
  beforeAll(async () => {
    server = createServer((request, response) => response.writeHead(request.url === '/healthz' ? status : 404).end())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  /** Runs the image's check command as Docker would (asynchronously: this process serves /healthz meanwhile). */
  const runCheck = (): Promise<number | null> => {
    const command = execForm(all(final, 'HEALTHCHECK').at(-1)!)!
    const port = String((server.address() as AddressInfo).port)
    const child = spawn(command[0] === 'node' ? process.execPath : command[0]!, command.slice(1), { env: { PORT: port }, stdio: 'ignore' })
    return new Promise((resolve) => child.on('exit', (code) => resolve(code)))
  }

  it('should exit 0 while /healthz answers 200 and 1 once it answers 503', async () => {
    status = 200
    expect(await runCheck()).toBe(0)
    status = 503
    expect(await runCheck()).toBe(1)
  })
})
