/**
 * Local stand-ins for AWS: DynamoDB Local (AWS's jar, on Java 17) and fauxqs (SNS + SQS),
 * each in its own process group, bootstrapped with the app's table, topic, queue and DLQ.
 * Used by `npm start` (scripts/dev.ts) and the test setups. `tsx scripts/local-aws.ts` runs it alone.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { DEFAULT_PREFIX, queueName, topicName } from '../infra/resources'
import { DynamoDb } from '../src/aws/dynamodb'
import { Sns } from '../src/aws/sns'
import { Sqs } from '../src/aws/sqs'
import { bootstrapAws, type AwsResources } from './lib/bootstrap-aws'
import { answers, freePort, isPortBusy, spawnGroup, waitUntil, type Child } from './lib/processes'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const DYNAMODB_LOCAL_DIR = resolve(ROOT, 'node_modules/amplify-dynamodb-simulator/emulator')
const FAUXQS_RUNNER = resolve(ROOT, 'scripts/fauxqs-server.mjs')
const SES_LOCAL_CLI = resolve(ROOT, 'node_modules/aws-ses-v2-local/dist/cli.js')

export const LOCAL_REGION = 'us-east-1'
/** DynamoDB Local and fauxqs accept any credentials; these make it obvious nothing real is used. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const

export interface LocalAwsOptions {
  /** Folder for DynamoDB Local's data (created if missing); null or undefined = in memory. */
  dataDir?: string | null
  /** Fixed ports; free ones are picked when omitted. */
  ports?: { dynamodb?: number; sqs?: number; ses?: number }
  /** Resource name prefix (DYNAMODB_TABLE); default `netflix-clone`. */
  prefix?: string
  /** Region the worker signs with; fauxqs keys its topics and queues by region. Default us-east-1. */
  region?: string
}

export interface LocalAws extends AwsResources {
  endpoints: { dynamodb: string; sns: string; sqs: string; ses: string }
  region: string
  /** PIDs of the process-group leaders, so callers and tests can check they are gone. */
  pids: number[]
  /** Milliseconds from spawn until each server answered. */
  timings: { dynamodbMs: number; fauxqsMs: number; sesMs: number; bootstrapMs: number }
  /** The worker vars that point at these servers. */
  vars: Record<string, string>
  stop(): Promise<void>
}

/**
 * The server variables the stand-ins will have on these ports, known before they start (fauxqs
 * names queues `http://sqs.<region>.localhost:<port>/000000000000/<name>`; account 000000000000).
 */
export function localServerVars(region: string, prefix: string, ports: { dynamodb: number; sqs: number; ses?: number }): Record<string, string> {
  const fauxqs = `http://127.0.0.1:${ports.sqs}`
  return {
    ...(ports.ses ? { SES_ENDPOINT: `http://127.0.0.1:${ports.ses}` } : {}),
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${ports.dynamodb}`,
    SNS_ENDPOINT: fauxqs,
    SQS_ENDPOINT: fauxqs,
    SNS_TOPIC_ARN: `arn:aws:sns:${region}:000000000000:${topicName(prefix)}`,
    SQS_QUEUE_URL: `http://sqs.${region}.localhost:${ports.sqs}/000000000000/${queueName(prefix)}`,
  }
}

/** Thrown for problems with a one-line fix (missing Java, busy port): print the message, not a stack. */
export class SetupError extends Error {
  override name = 'SetupError'
}

export function checkJava(java = process.env.JAVA ?? 'java'): void {
  const probe = spawnSync(java, ['-version'], { stdio: 'ignore' })
  if (probe.error || probe.status !== 0) {
    throw new SetupError(
      `DynamoDB Local needs Java 17, but \`${java}\` was not found. Install it with: sudo apt-get install -y openjdk-17-jre-headless`,
    )
  }
}

/**
 * Extra JVM options from DYNAMODB_LOCAL_JAVA_OPTS (space-separated). `npm test` sets
 * `-XX:TieredStopAtLevel=1 -XX:+UseSerialGC` (vitest.config.ts): its servers live for seconds to minutes,
 * and without the C2 compiler the JVM answers in ~40 % less time on a busy 2-core machine and spends
 * less CPU in all. Not the default: long runs (npm start, bench, soak) want C2's throughput.
 */
function javaOptions(): string[] {
  return (process.env.DYNAMODB_LOCAL_JAVA_OPTS ?? '').split(/\s+/).filter(Boolean)
}

async function startDynamoDbLocal(dataDir: string | null, port: number | undefined): Promise<{ child: Child; endpoint: string; ms: number }> {
  checkJava()
  const chosen = port ?? (await freePort())
  if (port !== undefined && (await isPortBusy(port))) throw new SetupError(`Port ${port} for DynamoDB Local is already in use.`)
  const storage = dataDir ? ['-dbPath', resolve(dataDir)] : ['-inMemory']
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const started = Date.now()
  const child = spawnGroup(
    'DynamoDB Local',
    process.env.JAVA ?? 'java',
    [...javaOptions(), '-Djava.library.path=./DynamoDBLocal_lib', '-jar', 'DynamoDBLocal.jar', '-port', String(chosen), '-sharedDb', ...storage],
    { cwd: DYNAMODB_LOCAL_DIR },
  )
  const endpoint = `http://127.0.0.1:${chosen}`
  await waitUntil('DynamoDB Local', () => answers(endpoint), { child, timeoutMs: 60_000 })
  return { child, endpoint, ms: Date.now() - started }
}

async function startFauxqs(port: number | undefined, region: string): Promise<{ child: Child; endpoint: string; ms: number }> {
  if (port !== undefined && (await isPortBusy(port))) throw new SetupError(`Port ${port} for fauxqs (SNS/SQS) is already in use.`)
  const started = Date.now()
  let endpoint = ''
  let buffered = ''
  const child = spawnGroup('fauxqs', process.execPath, [FAUXQS_RUNNER], {
    cwd: ROOT,
    env: { ...process.env, FAUXQS_PORT: String(port ?? 0), AWS_REGION: region },
    onStdout(chunk) {
      buffered += chunk
      const line = /^\{.*"address".*\}$/m.exec(buffered)
      if (line && !endpoint) endpoint = (JSON.parse(line[0]) as { address: string }).address
    },
  })
  await waitUntil('fauxqs', async () => endpoint !== '' && (await answers(`${endpoint}/health`)), { child, timeoutMs: 30_000 })
  return { child, endpoint, ms: Date.now() - started }
}

/**
 * aws-ses-v2-local: SES v2 SendEmail on loopback, keeping what it is sent in memory; `GET /` is an
 * inbox page, `GET /store` the same as JSON. It does not keep custom headers (List-Unsubscribe).
 */
async function startSesLocal(port: number | undefined): Promise<{ child: Child; endpoint: string; ms: number }> {
  if (port !== undefined && (await isPortBusy(port))) throw new SetupError(`Port ${port} for the local SES server is already in use.`)
  const chosen = port ?? (await freePort())
  const started = Date.now()
  const child = spawnGroup('aws-ses-v2-local', process.execPath, [SES_LOCAL_CLI, '--host', '127.0.0.1', '--port', String(chosen)], { cwd: ROOT })
  const endpoint = `http://127.0.0.1:${chosen}`
  await waitUntil('aws-ses-v2-local', () => answers(`${endpoint}/health-check`), { child, timeoutMs: 30_000 })
  return { child, endpoint, ms: Date.now() - started }
}

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const prefix = options.prefix ?? DEFAULT_PREFIX
  const region = options.region ?? LOCAL_REGION
  const children: Child[] = []
  const stop = async () => {
    await Promise.all(children.map((child) => child.stop()))
  }
  try {
    const [dynamo, fauxqs, ses] = await Promise.all([
      startDynamoDbLocal(options.dataDir ?? null, options.ports?.dynamodb).then((started) => {
        children.push(started.child)
        return started
      }),
      startFauxqs(options.ports?.sqs, region).then((started) => {
        children.push(started.child)
        return started
      }),
      startSesLocal(options.ports?.ses).then((started) => {
        children.push(started.child)
        return started
      }),
    ])
    const connection = { region, ...LOCAL_CREDENTIALS }
    const bootstrapStarted = Date.now()
    const resources = await bootstrapAws(
      {
        db: new DynamoDb({ ...connection, endpoint: dynamo.endpoint }),
        sns: new Sns({ ...connection, endpoint: fauxqs.endpoint }),
        sqs: new Sqs({ ...connection, endpoint: fauxqs.endpoint }),
      },
      prefix,
    )
    const endpoints = { dynamodb: dynamo.endpoint, sns: fauxqs.endpoint, sqs: fauxqs.endpoint, ses: ses.endpoint }
    return {
      ...resources,
      endpoints,
      region,
      pids: children.map((child) => child.pid),
      timings: { dynamodbMs: dynamo.ms, fauxqsMs: fauxqs.ms, sesMs: ses.ms, bootstrapMs: Date.now() - bootstrapStarted },
      vars: {
        AWS_REGION: region,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        DYNAMODB_ENDPOINT: endpoints.dynamodb,
        SNS_ENDPOINT: endpoints.sns,
        SQS_ENDPOINT: endpoints.sqs,
        SES_ENDPOINT: endpoints.ses,
        DYNAMODB_TABLE: prefix,
        SNS_TOPIC_ARN: resources.topicArn,
        SQS_QUEUE_URL: resources.queueUrl,
        TRANSCODE_QUEUE_URL: resources.transcodeQueueUrl,
      },
      stop,
    }
  } catch (error) {
    // Promise.all may reject before the other server registered; give it a moment, then stop all.
    await new Promise((r) => setTimeout(r, 200))
    await stop()
    throw error
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dataDir = process.env.DATA_DIR ? resolve(process.env.DATA_DIR, 'dynamodb') : null
  try {
    const aws = await startLocalAws({ dataDir })
    console.log(JSON.stringify({ ...aws.vars, DLQ_URL: aws.dlqUrl, pids: aws.pids, timings: aws.timings }, null, 2))
    const shutdown = () => void aws.stop().then(() => process.exit(0))
    process.once('SIGINT', shutdown)
    process.once('SIGTERM', shutdown)
  } catch (error) {
    console.error(error instanceof SetupError ? error.message : error)
    process.exit(1)
  }
}
