import type { TestProject } from 'vitest/node'
import { startFakeTmdb } from './fake-tmdb'
import { startLocalAws } from '../../scripts/local-aws'
import { startFaultProxy } from './fault-proxy'
import { startFakePush } from './fake-push'
import { vapidKeys } from '../../scripts/lib/dev-vars'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Extra worker bindings (endpoints of the local servers the tests talk to). */
    workerBindings: Record<string, string>
  }
}

/** One local server the worker suite needs: the bindings that point at it, and how to stop it. */
export interface StartedServer {
  bindings: Record<string, string>
  stop(): Promise<void>
}

/**
 * DynamoDB Local + fauxqs, in memory, on free ports, with the table, topic, queue and DLQ created;
 * and a fault-injecting proxy in front of DynamoDB Local (FAULT_DYNAMODB_ENDPOINT, driven through
 * FAULT_DYNAMODB_CONTROL) for the fault suite.
 */
async function localAws(): Promise<StartedServer> {
  const aws = await startLocalAws({ dataDir: null })
  const proxy = await startFaultProxy(aws.vars.DYNAMODB_ENDPOINT!).catch(async (error: unknown) => {
    await aws.stop()
    throw error
  })
  return {
    // SES_INBOX_URL: the local SES server's own API (GET /store), whatever SES_ENDPOINT the worker uses; a shell-set SES_ENDPOINT wins.
    bindings: { ...aws.vars, SES_INBOX_URL: aws.endpoints.ses, ...(process.env.SES_ENDPOINT ? { SES_ENDPOINT: process.env.SES_ENDPOINT } : {}), FAULT_DYNAMODB_ENDPOINT: proxy.url, FAULT_DYNAMODB_CONTROL: proxy.controlUrl, FAULT_RUNS: process.env.FAULT_RUNS ?? '1' },
    stop: async () => {
      await proxy.stop()
      await aws.stop()
    },
  }
}

/** The fake TMDB server (test/support/fake-tmdb.ts); tests point TMDB_BASE_URL at TMDB_FAKE_URL themselves. */
async function fakeTmdb(): Promise<StartedServer> {
  const tmdb = await startFakeTmdb()
  return { bindings: { TMDB_FAKE_URL: tmdb.url }, stop: () => tmdb.stop() }
}

/**
 * The fake push service (test/support/fake-push.ts) and a VAPID key pair under names of their own:
 * only test/worker/push.test.ts turns push on (with these keys), so other suites' events stay as they were.
 */
async function fakePush(): Promise<StartedServer> {
  const push = await startFakePush()
  const keys = vapidKeys()
  return { bindings: { PUSH_FAKE_URL: push.url, PUSH_TEST_VAPID_PUBLIC_KEY: keys.VAPID_PUBLIC_KEY, PUSH_TEST_VAPID_PRIVATE_KEY: keys.VAPID_PRIVATE_KEY }, stop: () => push.stop() }
}

/** Add a server here (e.g. the fake TMDB server) and its bindings reach every worker test. */
const SERVERS: (() => Promise<StartedServer>)[] = [localAws, fakeTmdb, fakePush]

/** Starts the local servers the worker suite talks to and hands their endpoints to the worker as bindings. */
export default async function setup(project: TestProject) {
  const results = await Promise.allSettled(SERVERS.map((start) => start()))
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
  const stopAll = async () => {
    await Promise.all(started.map((server) => server.stop()))
  }
  const failure = results.find((result) => result.status === 'rejected')
  if (failure) {
    await stopAll()
    throw failure.reason
  }
  project.provide('workerBindings', Object.assign({}, ...started.map((server) => server.bindings)))
  return stopAll
}
