/**
 * What the Dockerfile's final stage holds, assembled without a container runtime by running the
 * Dockerfile's own instructions on this machine:
 * - build stage: the build context (git's files less .dockerignore) copied to a temp dir, its RUN
 *   lines run there, `npm ci` standing for the root `npm ci` already done from the same lockfile
 *   (its node_modules linked in);
 * - dependencies stage: its `npm ci` run as written plus `--prefer-offline` (from the npm cache the root
 *   `npm ci` filled; the registry for what that cache keeps under another key, as it does a tarball
 *   `npm ci` found in a pre-filled cache), in a dir holding only the manifests it copies;
 * - final stage: its COPY lines, from those two dirs and the context, into the app dir.
 * Only the stages the final stage copies from (and the build stage) are assembled, as BuildKit builds
 * only what the target needs: another target's stage (transcoder: its apt-get) never runs here.
 * The build and dependencies stages run at once, as BuildKit runs independent stages.
 * Paths under the stages' WORKDIR (/app) map to those dirs.
 */
import { exec, execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, symlinkSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { copiesOf, dockerignoreMatcher, envOf, execForm, readDockerfile, type Stage } from './dockerfile'

export interface ImageStage {
  /** The final stage's /app. */
  appDir: string
  /** The final stage's ENV. */
  env: Record<string, string>
  /** The final stage's CMD (exec form). */
  command: string[]
  timings: { contextMs: number; buildMs: number; dependenciesMs: number }
}

const WORKDIR = '/app'
const run = promisify(exec)

function contextFiles(root: string): string[] {
  const ignored = dockerignoreMatcher(readFileSync(join(root, '.dockerignore'), 'utf8'))
  // git's files (what a clean checkout, as in CI, hands `docker build`), less a file deleted and not yet committed.
  return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter((path) => path && !ignored(path) && existsSync(join(root, path)))
}

const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args)

/** The stages `target` copies from: BuildKit builds only those for it. */
function stagesCopiedBy(target: Stage, stages: Stage[]): Stage[] {
  return [...new Set(copiesOf(target).flatMap(({ from }) => (from ? [from] : [])))].map((name) => {
    const stage = stages.find((s) => s.name === name)
    if (!stage) throw new Error(`COPY --from=${name}: no stage of that name`)
    return stage
  })
}

/** Asynchronous, so servers this process starts meanwhile (DynamoDB Local) keep being answered. */
export async function assembleImageStage(root: string, workDir: string): Promise<ImageStage> {
  const { stages } = readDockerfile(join(root, 'Dockerfile'))
  const final = stages.at(-1)!
  const needed = stagesCopiedBy(final, stages)
  const dirs = new Map<string, string>()
  const quiet = { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } }

  const started = Date.now()
  const context = join(workDir, 'context')
  for (const path of contextFiles(root)) {
    mkdirSync(dirname(join(context, path)), { recursive: true })
    cpSync(join(root, path), join(context, path))
  }
  const contextMs = Date.now() - started

  // The build stage and the dependencies stage do not depend on each other: BuildKit runs them at once, and so does this.
  const builder = stages.find((stage) => runs(stage).some((command) => command.includes('build:node')))!
  const timed = async (work: () => Promise<void>) => {
    const begun = Date.now()
    await work()
    return Date.now() - begun
  }
  const buildStage = async () => {
    symlinkSync(resolve(root, 'node_modules'), join(context, 'node_modules'), 'dir')
    for (const command of runs(builder)) {
      if (/^npm ci\b/.test(command)) continue
      await run(command, { ...quiet, cwd: context })
    }
    dirs.set(builder.name!, context)
  }
  const dependencyStages = async () => {
    for (const stage of needed.filter((s) => s !== builder)) {
      const dir = join(workDir, stage.name ?? 'stage')
      mkdirSync(dir, { recursive: true })
      if (copiesOf(stage).some((copy) => copy.from)) throw new Error(`stage ${stage.name}: COPY --from in a dependencies stage is not assembled here`)
      for (const copy of copiesOf(stage)) for (const source of copy.sources) cpSync(join(context, source), join(dir, source))
      for (const command of runs(stage)) {
        // What else a stage the final one copies from runs, this cannot stand for: said, not skipped.
        const unknown = command.split('&&').map((part) => part.trim()).find((part) => !/^npm (ci|cache clean)\b/.test(part))
        if (unknown) throw new Error(`stage ${stage.name}: \`${unknown}\` is not assembled here (only npm ci)`)
        // Only the install: `npm cache clean` would empty this machine's cache, not a layer's.
        const install = /npm ci\b[^&;|]*/.exec(command)?.[0]
        if (install) await run(`${install.trim()} --prefer-offline`, { ...quiet, cwd: dir })
      }
      dirs.set(stage.name!, dir)
    }
  }
  // Both settle before a failure is thrown: the caller's clean-up must not remove a dir an `npm ci` still writes.
  const settled = await Promise.allSettled([timed(buildStage), timed(dependencyStages)])
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected')
  if (failed) throw failed.reason
  const [buildMs, dependenciesMs] = settled.map((result) => (result as PromiseFulfilledResult<number>).value) as [number, number]

  const appDir = join(workDir, 'app')
  mkdirSync(appDir, { recursive: true })
  for (const copy of copiesOf(final)) {
    for (const source of copy.sources) {
      const from = copy.from ? join(dirs.get(copy.from)!, source.replace(new RegExp(`^${WORKDIR}/`), '')) : join(context, source)
      const target = copy.target.endsWith('/') || copy.sources.length > 1 ? join(appDir, copy.target, source.split('/').at(-1)!) : join(appDir, copy.target)
      // Another stage's output is moved (those dirs are this run's own), the context's files copied.
      if (copy.from) renameSync(from, target)
      else cpSync(from, target, { recursive: true })
    }
  }
  const cmd = final.instructions.filter((i) => i.keyword === 'CMD').at(-1)!
  return { appDir, env: envOf(final), command: execForm(cmd.args)!, timings: { contextMs, buildMs, dependenciesMs } }
}
