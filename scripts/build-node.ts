/**
 * `npm run build:node`: the Node runtime bundled with esbuild into dist/ (or `--outdir DIR`):
 *   dist/server.js  the HTTP server (`node dist/server.js`)
 *   dist/cron.js    one cron trigger (`node dist/cron.js "<cron expression>"`)
 *   dist/transcoder.js  the transcoding worker (`node dist/transcoder.js`; needs ffmpeg and ffprobe on PATH)
 *   dist/public/    the static files the server serves (a copy of public/)
 * npm packages stay external: they come from `npm ci --omit=dev` beside dist/ (the Argon2 .wasm too).
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build, type Metafile } from 'esbuild'
import { ROOT } from './lib/dev-stack'

export const NODE_ENTRIES = { server: 'src/main/node/serve.ts', cron: 'src/main/node/cron.ts', transcoder: 'src/main/node/transcoder.ts' } as const

export type NodeEntry = keyof typeof NODE_ENTRIES

/**
 * Bundles into `outdir` (all entries, as the image ships them, or only those a caller runs: the bench and the
 * replica test start the server and the cron CLI, never the transcoder); returns the npm packages the bundles import.
 */
export async function buildNode(outdir = join(ROOT, 'dist'), entries: readonly NodeEntry[] = Object.keys(NODE_ENTRIES) as NodeEntry[]): Promise<{ outdir: string; packages: string[] }> {
  rmSync(outdir, { recursive: true, force: true })
  mkdirSync(outdir, { recursive: true })
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(entries.map((name) => [name, join(ROOT, NODE_ENTRIES[name])])),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    tsconfig: join(ROOT, 'tsconfig.node-runtime.json'),
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  })
  cpSync(join(ROOT, 'public'), join(outdir, 'public'), { recursive: true })
  return { outdir, packages: packagesOf(result.metafile) }
}

/** `hono/jsx/jsx-runtime` → `hono`, `@hono/node-server` → itself; node: built-ins left out. */
function packagesOf(metafile: Metafile): string[] {
  const names = new Set<string>()
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external } of output.imports) {
      if (!external || path.startsWith('node:')) continue
      const parts = path.split('/')
      names.add(path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!)
    }
  }
  return [...names].sort()
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const at = process.argv.indexOf('--outdir')
  const { outdir, packages } = await buildNode(at > 0 ? resolve(process.argv[at + 1]!) : undefined)
  console.log(`Built ${outdir}/server.js, cron.js and transcoder.js (+ public/); run-time packages: ${packages.join(', ')}`)
}
