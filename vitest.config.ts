import { existsSync, readFileSync } from 'node:fs'
import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

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
 * Three suites, one command (`npm test`):
 * - worker: the app inside workerd, against real local DynamoDB/SNS/SQS and a fake TMDB server;
 * - node: infrastructure synth, workflows and scripts;
 * - e2e: Chromium against a real `wrangler dev`.
 * docs/testing.md: the order, what each project shares, and what a new test file costs.
 */
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(async ({ inject }) => ({
            main: './src/main/worker.ts',
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                ...blankedDevVars,
                ENVIRONMENT: 'development',
                JWT_SECRET: 'test-secret-that-is-at-least-32-bytes-long!!',
                PASSWORD_PEPPER: 'test-pepper-that-is-at-least-32-bytes-long!',
                // Test files must not see each other's cached pages: test/worker/page-cache.test.ts turns it on.
                PAGE_CACHE: 'off',
                // On a loaded machine DynamoDB Local can take longer than the film page's reviews deadline (250 ms).
                RENDER_DEADLINE_MS: '5000',
                ...(inject('workerBindings') ?? {}),
                // The fuzz suite's knobs (test/worker/fuzz): a bigger run or a replay from the shell.
                ...Object.fromEntries(['FUZZ_RUNS', 'FUZZ_SEED', 'FUZZ_PATH'].flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : []))),
              },
            },
          })),
        ],
        test: {
          name: 'worker',
          // After the node group: the worker files share one DynamoDB Local, one fake TMDB and the other local servers.
          // Each file gets a fresh workerd runtime (5–7 s of start-up and imports per file). Not `isolate: false`: vitest
          // then hands ALL files to one runtime in one message, and tests slow down the longer that runs (measured in
          // docs/testing.md; DynamoDB calls time out), so it is slower in all and fails.
          sequence: { groupOrder: 1 },
          // Two runtimes at a time: a file's start-up is mostly waiting on module imports, and the files only share
          // servers, never data (unique ids, private queues; docs/testing.md).
          maxWorkers: 2,
          // Dependencies pre-bundled (one module each instead of hundreds, zod's especially): less to import per file.
          deps: { optimizer: { ssr: { enabled: true, include: ['zod', 'hono', 'hono/jsx', 'hono/html', 'jose', 'aws4fetch', '@hono/zod-validator'] } } },
          include: ['src/**/*.test.{ts,tsx}', 'test/worker/**/*.test.{ts,tsx}'],
          globalSetup: ['./test/support/global-worker.ts'],
        },
      },
      {
        test: {
          name: 'node',
          environment: 'node',
          // First, two files at a time: each starts its own processes (a whole dev stack, a bench), mostly waiting on them.
          sequence: { groupOrder: 0 },
          maxWorkers: 2,
          include: ['test/node/**/*.test.ts', 'cdktf/**/*.test.ts', 'scripts/**/*.test.ts'],
          // These files start DynamoDB Local over and over (readiness-restart 5 times, dev-script twice, bench):
          // C1-only JIT starts it in ~40 % less time on a busy 2-core machine (scripts/local-aws.ts).
          env: { DYNAMODB_LOCAL_JAVA_OPTS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' },
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          // The whole app as `npm start` runs it (wrangler dev + DynamoDB Local + fauxqs), once per run.
          // ...and as `npm run start:node` runs it (the Node server). Its setup only starts it, after the first stack holds
          // its ports, and returns: it boots while the other e2e files run (runtimes and node-replicas tests wait for it).
          globalSetup: ['./test/support/global-e2e.ts', './test/support/global-node.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
