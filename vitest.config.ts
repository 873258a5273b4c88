import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import { shellKnobs, TEST_BINDINGS } from './test/support/bindings.ts'
import LongFirstSequencer from './test/support/sequencer.ts'

/**
 * wrangler hands the worker tests every value of a `.dev.vars` beside wrangler.toml, and `npm start` writes one
 * (PUBLIC_URL, VAPID keys…): a developer who ran the app would then test against their local settings. Each of its
 * keys is blanked here (the config reads an empty value as unset), so the tests see what CI's clean clone sees;
 * the bindings below still set what the tests need.
 */
const blankedDevVars = existsSync('.dev.vars')
  ? Object.fromEntries([...readFileSync('.dev.vars', 'utf8').matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*=/gm)].map((m) => [m[1]!, '']))
  : {}

/**
 * Every DynamoDB Local the tests start (the shared servers, the e2e stacks, the dev stacks and benches of the ops
 * tests) runs without the C2 compiler: each lives for seconds to a few minutes, and C2's compile threads cost more
 * CPU than they save there (the app project: 43 → 29 CPU-s in DynamoDB Local, docs/testing.md). Set before the global
 * setups run, so their processes and every child inherit it; `npm start`, bench and soak keep the full JIT.
 */
process.env.DYNAMODB_LOCAL_JAVA_OPTS ??= '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC'

/** `@test/runtime` (test/support/runtime/): the same app tests run on Node or inside workerd. */
const runtime = (name: 'node' | 'workerd') => ({ '@test/runtime': fileURLToPath(new URL(`./test/support/runtime/${name}.ts`, import.meta.url)) })
/** DynamoDB Local, fauxqs, local SES, the fault proxy, fake TMDB and push: started once for the app and workerd projects. */
const SERVERS = './test/support/global-servers.ts'

/**
 * Five projects by what a test needs, one command (`npm test`); docs/testing.md has the order, what each shares
 * and what a new file costs:
 * - unit: pure functions on plain Node;
 * - app: the HTTP app on Node (the Node runtime's ports) against the real local servers;
 * - workerd: what only the Workers runtime has (KV, the Cache API, waitUntil, scheduled events, the precompiled
 *   Argon2), and one request per feature;
 * - ops: tests that start process trees (dev stacks, the Node server, builds), synth and repository checks;
 * - e2e: Chromium against a real `npm start` and `npm run start:node`.
 */
export default defineConfig({
  test: {
    // The longest files of each project start first (test/support/sequencer.ts).
    sequence: { sequencer: LongFirstSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          sequence: { groupOrder: 0 },
          maxWorkers: 2,
          // No file mocks modules, stubs globals or changes the environment, so the files of a worker can share one
          // module graph: each file no longer imports src/ (and zod, hono, ESLint…) again (22 → 12 CPU-s alone).
          isolate: false,
        },
      },
      {
        resolve: { alias: runtime('node') },
        test: {
          name: 'app',
          environment: 'node',
          include: ['test/app/**/*.test.{ts,tsx}'],
          globalSetup: [SERVERS],
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
          isolate: false,
        },
      },
      {
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            main: './src/main/worker.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: { ...blankedDevVars, ...TEST_BINDINGS, ...(inject('workerBindings') ?? {}), ...shellKnobs() },
            },
          })),
        ],
        resolve: { alias: runtime('workerd') },
        test: {
          name: 'workerd',
          include: ['test/workerd/**/*.test.{ts,tsx}'],
          globalSetup: [SERVERS],
          sequence: { groupOrder: 2 },
          // Each file gets a fresh workerd runtime (5–7 s of start-up and imports per file): docs/testing.md.
          maxWorkers: 2,
          isolate: false,
          // Dependencies pre-bundled (one module each instead of hundreds, zod's especially): less to import per file.
          deps: { optimizer: { ssr: { enabled: true, include: ['zod', 'hono', 'hono/jsx', 'hono/html', 'jose', 'aws4fetch', '@hono/zod-validator'] } } },
        },
      },
      {
        test: {
          name: 'ops',
          environment: 'node',
          include: ['test/ops/**/*.test.ts'],
          globalSetup: ['./test/support/global-ops.ts'],
          sequence: { groupOrder: 3 },
          maxWorkers: 2,
          // As in unit: the files share their workers' module graphs (cdktf, ESLint and the scripts load once per worker).
          isolate: false,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          sequence: { groupOrder: 4 },
          // The whole app as `npm start` runs it (wrangler dev + DynamoDB Local + fauxqs), once per run.
          // ...and as `npm run start:node` runs it (the Node server). Its setup only starts it, after the first stack holds
          // its ports, and returns: it boots while the other e2e files run (runtimes and node-replicas tests wait for it).
          globalSetup: ['./test/support/global-e2e.ts', './test/support/global-node.ts', './test/support/global-browser.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // One worker runs the files one after the other; sharing its module graph loads playwright-core and the
          // support modules once, not once per file.
          isolate: false,
        },
      },
    ],
  },
})
