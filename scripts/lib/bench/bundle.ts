/**
 * The code under test, built the way it ships: the worker bundled by the project's own wrangler
 * (`wrangler deploy --dry-run --outdir`), and a bare Hono app bundled by the same esbuild, as the
 * runtime's own ceiling to compare against.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { build } from 'esbuild'
import { ROOT, QUIET_WRANGLER_ENV } from '../dev-stack'
import { spawnGroup } from '../processes'

const WRANGLER_BIN = resolve(ROOT, 'node_modules/wrangler/bin/wrangler.js')
/** wrangler.toml's `main`: the bundle is named after it. */
const WORKER_MAIN = /^main\s*=\s*"([^"]+)"/m.exec(readFileSync(resolve(ROOT, 'wrangler.toml'), 'utf8'))?.[1] ?? 'src/main/worker.ts'

/** The compatibility date the worker is deployed with (wrangler.toml), so Miniflare runs it the same way. */
export function compatibilityDate(): string {
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(join(ROOT, 'wrangler.toml'), 'utf8'))?.[1]
  if (!date) throw new Error('wrangler.toml has no compatibility_date')
  return date
}

export interface WorkerBundle {
  dir: string
  /** The ES module entry (named after wrangler.toml's `main`: worker.js). */
  main: string
  /** Compiled WebAssembly modules the entry imports (argon2). */
  wasm: string[]
}

/** Runs `wrangler deploy --dry-run --outdir DIR -c wrangler.toml`: no network, no upload. */
export async function bundleWorker(dir: string): Promise<WorkerBundle> {
  const wrangler = spawnGroup(
    'wrangler deploy --dry-run',
    process.execPath,
    [WRANGLER_BIN, 'deploy', '--dry-run', '--outdir', dir, '-c', join(ROOT, 'wrangler.toml')],
    { cwd: ROOT, env: { ...process.env, ...QUIET_WRANGLER_ENV, CHECKPOINT_DISABLE: '1' } },
  )
  const code = await wrangler.exited
  if (code !== 0) throw new Error(`wrangler deploy --dry-run failed (${code}):\n${wrangler.output().trim().split('\n').slice(-15).join('\n')}`)
  const files = readdirSync(dir)
  // wrangler names the bundle after the entry module (src/main/worker.ts → worker.js).
  const entry = basename(WORKER_MAIN).replace(/\.ts$/, '.js')
  if (!files.includes(entry)) throw new Error(`wrangler wrote no ${entry} into ${dir}`)
  return { dir, main: join(dir, entry), wasm: files.filter((file) => file.endsWith('.wasm')).map((file) => join(dir, file)) }
}

/** The smallest Hono app that still goes through Hono's router and `c.html()`. */
const BARE_SOURCE = `import { Hono } from 'hono'
const app = new Hono()
app.get('/', (c) => c.html('<!doctype html><title>ok</title><p>ok</p>'))
export default app
`

/** Bundles the bare Hono app (with the project's own hono) into one ES module file. */
export function bundleBareHono(dir: string): Promise<string> {
  return bundleBare(dir, 'bare-hono.js', BARE_SOURCE)
}

/** Bundles a bare app's source (importing the project's own hono) into `dir/name`, one ES module file. */
export async function bundleBare(dir: string, name: string, source: string): Promise<string> {
  const out = join(dir, name)
  await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js', sourcefile: name },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    minify: false,
    outfile: out,
    logLevel: 'silent',
  })
  writeFileSync(join(dir, 'README.md'), 'Temporary bench bundles; deleted when the bench ends.\n')
  return out
}
