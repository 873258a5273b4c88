import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { MEDIA_STORE_S3_ACTIONS, type MediaStoreMethod } from '../../../infra/worker-access'

/**
 * Which AWS operations code calls, read from its source: adapter methods (src/aws/<service>.ts) matched against
 * their receivers (`db.get(`, `options.queue.receive(`, `this.media().uploadPart(`). test/ops/cdktf-sources.test.ts
 * holds each process's IAM grants (infra/worker-access.ts) to what this finds, both ways.
 */
export interface Source {
  file: string
  text: string
}

export const SERVICES = ['dynamodb', 'sns', 'sqs', 'ses'] as const
export type Service = (typeof SERVICES)[number]

/**
 * Worker code = src/ outside the adapters, and outside the transcoder: a process of its own with its own role
 * (held separately, from its entry point's imports).
 */
const NOT_WORKER = [join('src', 'aws'), join('src', 'transcoder')]
export function workerSources(dir = 'src'): Source[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return NOT_WORKER.includes(path) ? [] : workerSources(path)
    if (!/\.tsx?$/.test(name) || /\.test\.tsx?$/.test(name)) return []
    return [{ file: relative('.', path), text: readFileSync(path, 'utf8') }]
  })
}

/** Every file an entry point reaches through value imports (type-only imports carry no calls), adapters left out. */
export function reachableSources(entry: string): Source[] {
  const seen = new Map<string, string>()
  const visit = (file: string) => {
    if (seen.has(file) || file.startsWith(join('src', 'aws'))) return
    const text = readFileSync(file, 'utf8')
    seen.set(file, text)
    for (const match of text.matchAll(/^import\s+(?!type\b)[^'"]*?from\s+'(\.[^']+)'/gm)) {
      const base = join(dirname(file), match[1]!)
      const resolved = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((candidate) => existsSync(candidate))
      if (resolved) visit(relative('.', resolved))
    }
  }
  visit(entry)
  return [...seen].map(([file, text]) => ({ file, text }))
}

/** Each adapter method and the AWS operation it issues, read from src/aws/<service>.ts. */
export function adapterMethods(service: Service): Map<string, string> {
  const source = readFileSync(join('src', 'aws', `${service}.ts`), 'utf8')
  const methods = new Map<string, string>()
  for (const chunk of source.split(/\n {2}(?:async )?(?=\w+(?:<[^(]*>)?\()/).slice(1)) {
    const method = /^\w+/.exec(chunk)?.[0]
    const operation = /this\.call(?:<[^(]*>)?\(\s*'(\w+)'/.exec(chunk)?.[1]
    if (method && operation && method !== 'call') methods.set(method, operation)
  }
  return methods
}

/** How code reaches each client: `db.get(`, `this.db.query<T>(`, `options.sqs.receive(`, `options.topic().publish(`. */
const RECEIVERS: Record<Service | 's3', string> = {
  dynamodb: '(?:db|dynamo\\w*)(?:\\(\\))?',
  sns: '(?:sns\\w*|topic)(?:\\(\\))?',
  sqs: '(?:sqs\\w*|queue)(?:\\(\\))?',
  ses: '(?:ses\\w*)(?:\\(\\))?',
  // The media store (src/media/store.ts): `media.put(`, `this.media().uploadPart(`.
  s3: '(?:media)(?:\\(\\))?',
}
/** Whether any source calls `method` on `receiver` (one pattern per pair, tried on every source). */
function calls(sources: Source[], receiver: string, method: string): boolean {
  const pattern = new RegExp(`\\b${receiver}\\??\\.${method}(?:<[^(]*>)?\\(`)
  return sources.some((source) => pattern.test(source.text))
}

/** The adapter operations the code calls, per service (queryAll goes through query). */
export function calledOperations(sources: Source[]): Record<Service, Set<string>> {
  const called = { dynamodb: new Set<string>(), sns: new Set<string>(), sqs: new Set<string>(), ses: new Set<string>() }
  for (const service of SERVICES) {
    const methods = adapterMethods(service)
    if (service === 'dynamodb') methods.set('queryAll', 'Query')
    for (const [method, operation] of methods) if (calls(sources, RECEIVERS[service], method)) called[service].add(operation)
  }
  return called
}

/** The media store methods the code calls (each one S3 operation, or a multipart step, on AWS). */
export const calledMediaMethods = (sources: Source[]): MediaStoreMethod[] =>
  (Object.keys(MEDIA_STORE_S3_ACTIONS) as MediaStoreMethod[]).filter((method) => calls(sources, RECEIVERS.s3, method)).sort()
