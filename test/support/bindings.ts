declare module 'vitest' {
  export interface ProvidedContext {
    /** The endpoints of the local servers the app tests talk to, as bindings (test/support/global-servers.ts). */
    workerBindings: Record<string, string>
    /** A folder for the run's throwaway files, removed by the global setup's teardown (test/support/global-servers.ts). */
    testScratch: string
  }
}

/**
 * The values the app under test runs with, in both runtimes of the app tests (test/support/runtime/): the workerd
 * project hands them to miniflare as bindings (vitest.config.ts), the Node runtime builds its `env` from them.
 * The endpoints of the local servers come on top, from the global setup (inject('workerBindings')).
 */
export const TEST_BINDINGS: Record<string, string> = {
  ENVIRONMENT: 'development',
  JWT_SECRET: 'test-secret-that-is-at-least-32-bytes-long!!',
  PASSWORD_PEPPER: 'test-pepper-that-is-at-least-32-bytes-long!',
  // Test files must not see each other's cached pages: test/workerd/page-cache.test.ts turns it on.
  PAGE_CACHE: 'off',
  // On a loaded machine DynamoDB Local can take longer than the film page's reviews deadline (250 ms).
  RENDER_DEADLINE_MS: '5000',
  // The operators of the video library (test/support/harness/operators.ts: one address per test file).
  ADMIN_EMAILS: 'operator@flixpeek.test,operator-api@flixpeek.test,operator-internal@flixpeek.test,operator-workerd@flixpeek.test,operator-runtimes@flixpeek.test,operator-erased@flixpeek.test,operator-cli@flixpeek.test,operator-transcoder@flixpeek.test,operator-transcoder-faults@flixpeek.test,operator-playback@flixpeek.test,operator-progress@flixpeek.test,operator-openapi@flixpeek.test,operator-downloads@flixpeek.test',
  // The fake push service (test/support/fake-push.ts) listens on loopback: listed, as a self-hosted one would be.
  PUSH_ALLOWED_HOSTS: '127.0.0.1',
  // Uploads in parts of 5 MiB (R2's and S3's smallest but the last), so a few seconds of video span several parts.
  MEDIA_PART_SIZE: String(5 * 1024 * 1024),
}

/** The fuzz suite's knobs (test/app/fuzz): a bigger run or a replay from the shell. */
export function shellKnobs(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(['FUZZ_RUNS', 'FUZZ_SEED', 'FUZZ_PATH'].flatMap((name) => (env[name] ? [[name, env[name]!]] : [])))
}
