import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copiesOf, envOf, execForm, readDockerfile, type Stage } from './support/dockerfile'

/** The Dockerfile and .dockerignore rules of CONTRACT.md "Self-hosting" (no container runtime here: read, not built). */
const dockerfile = readFileSync('Dockerfile', 'utf8')
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

  it('should end with the runtime stage: the default target, so a plain docker build is the web image', () => {
    expect(final.name).toBe('runtime')
  })

  it('should give the final stage only dist/, production dependencies and the package manifests', () => {
    const copies = copiesOf(final)
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

  it('should run in production unless told otherwise, the web image and the transcoder alike (audit 3, L4)', () => {
    expect(envOf(final).ENVIRONMENT).toBe('production')
    expect(envOf(stageNamed('transcoder')!).ENVIRONMENT).toBe('production')
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

// `docker build --target transcoder`: the worker that turns uploads into HLS (node dist/transcoder.js, ffmpeg on PATH).
describe('Dockerfile target transcoder', () => {
  const transcoder = stageNamed('transcoder')!
  const runtime = stageNamed('runtime')!
  const user = all(transcoder, 'USER').at(-1)

  it('should exist before the runtime stage, from the same Node 20 bookworm-slim base (the NODE_IMAGE ARG)', () => {
    expect(transcoder).toBeDefined()
    expect(stages.indexOf(transcoder)).toBeLessThan(stages.indexOf(runtime))
    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS transcoder$/m)
    expect(transcoder.image).toBe(runtime.image)
    expect(transcoder.image).toMatch(/^node:20(\.\d+)*-bookworm-slim(@sha256:[0-9a-f]{64})?$/)
  })

  it('should install Debian\'s ffmpeg without recommended packages and remove the apt lists in the same RUN', () => {
    const apt = all(transcoder, 'RUN').filter((run) => /\bapt-get\b/.test(run))
    expect(apt).toHaveLength(1)
    const steps = apt[0]!.split('&&').map((step) => step.trim().replace(/\s+/g, ' '))
    expect(steps[0]).toBe('apt-get update')
    expect(steps).toContain('apt-get install -y --no-install-recommends ffmpeg')
    expect(steps.at(-1)).toBe('rm -rf /var/lib/apt/lists/*')
    // Nothing fetched from elsewhere (ffprobe comes with Debian's ffmpeg package).
    expect(all(transcoder, 'RUN').join('\n')).not.toMatch(/\b(curl|wget)\b/)
    expect(all(transcoder, 'ADD')).toEqual([])
  })

  it('should copy the same dirs from the same stages as runtime, and only the manifests from the context', () => {
    // So both images run the same dist/ and node_modules (container-content.test.ts runs the transcoder on the runtime's).
    const fromStages = (stage: Stage) => copiesOf(stage).filter((c) => c.from)
    expect(fromStages(transcoder)).toEqual(fromStages(runtime))
    expect(fromStages(transcoder).flatMap((c) => c.sources).sort()).toEqual(['/app/dist', '/app/node_modules'])
    expect(all(transcoder, 'WORKDIR')).toEqual(all(runtime, 'WORKDIR'))
    expect(copiesOf(transcoder).filter((c) => !c.from).flatMap((c) => c.sources).sort()).toEqual(['package-lock.json', 'package.json'])
  })

  it('should run as the runtime\'s numeric non-root user, who owns /scratch, its TRANSCODE_SCRATCH_DIR', () => {
    expect(user).toMatch(/^\d+(:\d+)?$/)
    expect(Number(user!.split(':')[0])).toBeGreaterThan(0)
    expect(user).toBe(all(runtime, 'USER').at(-1))
    expect(envOf(transcoder)).toMatchObject({ NODE_ENV: 'production', TRANSCODE_SCRATCH_DIR: '/scratch' })
    // Made and handed over while still root (before USER): a read-only root filesystem leaves it (and /tmp) writable.
    const at = (pattern: RegExp) => transcoder.instructions.findIndex((i) => i.keyword === 'RUN' && pattern.test(i.args))
    const chown = new RegExp(`\\bchown (-R )?${user} /scratch\\b`)
    expect(at(/\bmkdir (-p )?\/scratch\b/)).toBeGreaterThanOrEqual(0)
    expect(at(chown)).toBeGreaterThanOrEqual(0)
    expect(at(chown)).toBeLessThan(transcoder.instructions.findIndex((i) => i.keyword === 'USER'))
    // Declared a volume after the chown: ECS copies that folder (and its owner) into the task's bind mount at /scratch.
    expect(all(transcoder, 'VOLUME').map((args) => execForm(args) ?? args.split(/\s+/))).toEqual([['/scratch', '/tmp']])
    expect(transcoder.instructions.findIndex((i) => i.keyword === 'VOLUME')).toBeGreaterThan(at(chown))
  })

  it('should start node dist/transcoder.js directly (exec form), with no HTTP port or health check', () => {
    expect(all(transcoder, 'ENTRYPOINT')).toEqual([])
    expect(execForm(all(transcoder, 'CMD').at(-1)!)).toEqual(['node', 'dist/transcoder.js'])
    expect(all(transcoder, 'EXPOSE')).toEqual([])
    expect(all(transcoder, 'HEALTHCHECK')).toEqual([])
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
