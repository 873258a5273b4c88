import { readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { SERVICE_ACCOUNTS } from '../../cdktf/inputs'
import { parseConfig } from '../../src/config'
import { transcoderConfig } from '../../src/transcoder/config'
import { limitsFromEnv } from '../../src/transcoder/limits'
import { parseSize } from '../../src/transcoder/scratch'

/**
 * deploy/kubernetes/transcoder.yaml: the transcoding worker's Deployment and ConfigMap, and kustomization.yaml's
 * replacement that sizes its scratch volume from TRANSCODE_SCRATCH_SIZE. Schema validation of every object is in
 * container-kubernetes.test.ts.
 */
const DIR = 'deploy/kubernetes'

interface Container {
  name: string
  image: string
  args?: string[]
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[]
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[]
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> }
  securityContext?: Record<string, unknown>
  volumeMounts?: { name: string; mountPath: string }[]
  ports?: unknown[]
  readinessProbe?: unknown
  livenessProbe?: unknown
  startupProbe?: unknown
}
interface PodTemplate {
  metadata: { labels: Record<string, string> }
  spec: {
    serviceAccountName?: string
    automountServiceAccountToken?: boolean
    terminationGracePeriodSeconds?: number
    securityContext?: Record<string, unknown>
    containers: Container[]
    volumes?: ({ name: string; emptyDir?: { medium?: string; sizeLimit?: string } } & Record<string, unknown>)[]
  }
}
interface K8sObject { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: Record<string, unknown>; data?: Record<string, string> }
type DeploymentObject = K8sObject & { spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: PodTemplate } }
interface Replacement {
  source: { kind: string; name: string; fieldPath: string }
  targets: { select: { kind: string; name: string }; fieldPaths: string[] }[]
}

const kustomization = parseAllDocuments(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as {
  resources: string[]
  images: { name: string; newName?: string; newTag?: string }[]
  replacements?: Replacement[]
}
const objects: K8sObject[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => {
    expect(doc.errors, file).toEqual([])
    return doc.toJS() as K8sObject
  }),
)
const named = <T = K8sObject>(list: K8sObject[], kind: string, name: string) => {
  const found = list.filter((o) => o.kind === kind && o.metadata.name === name)
  expect(found, `${kind} ${name}`).toHaveLength(1)
  return found[0] as T
}
const deployment = named<DeploymentObject>(objects, 'Deployment', 'flixpeek-transcoder')
const web = named<DeploymentObject>(objects, 'Deployment', 'flixpeek')
const appConfig = named(objects, 'ConfigMap', 'flixpeek-config')
const transcoderValues = named(objects, 'ConfigMap', 'flixpeek-transcoder-config')
const pod = deployment.spec.template.spec
const container = pod.containers[0]!
const SCRATCH_PATH = 'spec.template.spec.volumes.[name=scratch].emptyDir.sizeLimit'
const EPHEMERAL_PATH = 'spec.template.spec.containers.[name=transcoder].resources.requests.ephemeral-storage'

/** A Kubernetes quantity (`100Gi`, `1`, `250m`, `107374182400`) in base units. */
function quantity(value: string | number | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/.exec(String(value))
  if (!match) throw new Error(`not a Kubernetes quantity: ${String(value)}`)
  const scale: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 }
  return Number(match[1]) * scale[match[2] ?? '']!
}

/**
 * Kustomize's field path (`a.b.[name=x].c`): the object holding its last key, which must exist. A `[key=value]`
 * segment picks the one list item whose key has that value.
 */
function fieldAt(root: unknown, path: string): { holder: Record<string, unknown>; key: string } {
  const segments = path.split('.')
  const key = segments.pop()!
  let node = root
  for (const segment of segments) {
    const pick = /^\[([^=\]]+)=([^\]]*)\]$/.exec(segment)
    if (pick) {
      expect(Array.isArray(node), `${path}: ${segment} needs a list`).toBe(true)
      const items = (node as Record<string, unknown>[]).filter((item) => String(item[pick[1]!]) === pick[2])
      expect(items, `${path}: ${segment}`).toHaveLength(1)
      node = items[0]
    } else {
      expect(node !== null && typeof node === 'object' && segment in node, `${path}: no ${segment}`).toBe(true)
      node = (node as Record<string, unknown>)[segment]
    }
  }
  expect(node !== null && typeof node === 'object' && key in node, `${path}: no ${key}`).toBe(true)
  return { holder: node as Record<string, unknown>, key }
}
const read = (root: unknown, path: string) => {
  const { holder, key } = fieldAt(root, path)
  return holder[key]
}

/** What `kustomize build` does with the replacements, on a copy of the objects. */
function applyReplacements(list: K8sObject[], replacements: Replacement[]): K8sObject[] {
  const copy = structuredClone(list)
  for (const { source, targets } of replacements) {
    const value = read(named(copy, source.kind, source.name), source.fieldPath)
    for (const target of targets) {
      const object = named(copy, target.select.kind, target.select.name)
      for (const path of target.fieldPaths) {
        const { holder, key } = fieldAt(object, path)
        holder[key] = value
      }
    }
  }
  return copy
}

/** The pod's environment: both ConfigMaps' values, plus a stand-in (strong, not a dummy) for each Secret reference. */
function podEnvironment(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const source of container.envFrom ?? []) {
    expect(source.secretRef, 'a whole Secret would bring the app\'s secrets').toBeUndefined()
    Object.assign(env, named(objects, 'ConfigMap', source.configMapRef!.name).data)
  }
  for (const variable of container.env ?? []) {
    expect(variable.value, `${variable.name} must come by reference`).toBeUndefined()
    expect(variable.valueFrom?.secretKeyRef?.optional).not.toBe(true)
    env[variable.name] = `stand-in-${variable.name.toLowerCase()}-0123456789abcdef0123456789`
  }
  return env
}

describe('deploy/kubernetes transcoder', () => {
  it('should run node dist/transcoder.js, one replica, from its own image listed in kustomization.yaml', () => {
    expect(deployment.spec.replicas).toBe(1)
    expect(pod.containers).toHaveLength(1)
    expect(container.args).toEqual(['node', 'dist/transcoder.js'])
    expect(container.image).toBe('flixpeek-transcoder')
    const images = Object.fromEntries(kustomization.images.map((image) => [image.name, image.newName]))
    expect(images[container.image]).toBe('ghcr.io/your-org/flixpeek-transcoder')
    const webImage = web.spec.template.spec.containers[0]!.image
    expect(container.image).not.toBe(webImage)
    expect(images[container.image]).not.toBe(images[webImage])
    // No HTTP: nothing to expose or probe.
    expect([container.ports, container.readinessProbe, container.livenessProbe, container.startupProbe]).toEqual([undefined, undefined, undefined, undefined])
  })

  it('should label its pods as the transcoder, which the Service and the disruption budget never select', () => {
    const labels = deployment.spec.template.metadata.labels
    expect(labels).toEqual({ 'app.kubernetes.io/name': 'flixpeek', 'app.kubernetes.io/component': 'transcoder' })
    expect(deployment.spec.selector.matchLabels).toEqual(labels)
    const selects = (selector: Record<string, string>, podLabels: Record<string, string>) => Object.entries(selector).every(([key, value]) => podLabels[key] === value)
    const service = named<{ spec: { selector: Record<string, string> } }>(objects, 'Service', 'flixpeek')
    const budget = named<{ spec: { selector: { matchLabels: Record<string, string> } } }>(objects, 'PodDisruptionBudget', 'flixpeek')
    for (const selector of [service.spec.selector, budget.spec.selector.matchLabels]) {
      expect(selects(selector, web.spec.template.metadata.labels)).toBe(true)
      expect(selects(selector, labels)).toBe(false)
    }
    // Nor does the web Deployment's own selector take the transcoder's pods (or the other way round).
    expect(selects(web.spec.selector.matchLabels, labels)).toBe(false)
    expect(selects(deployment.spec.selector.matchLabels, web.spec.template.metadata.labels)).toBe(false)
  })

  it('should run as uid 1000 with a read-only root, no token, its own ServiceAccount (its IRSA role) and the web container\'s security context', () => {
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } })
    // The name the Kubernetes stack's transcoder role trusts (cdktf/kubernetes-stack.ts), not the web pods'.
    expect(pod.serviceAccountName).toBe(named(objects, 'ServiceAccount', SERVICE_ACCOUNTS.transcoder).metadata.name)
    expect(web.spec.template.spec.serviceAccountName).toBe(SERVICE_ACCOUNTS.web)
    expect(pod.automountServiceAccountToken).toBe(false)
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } })
    expect(container.securityContext).toEqual(web.spec.template.spec.containers[0]!.securityContext)
  })

  it('should request and limit CPU and memory (requests within limits), with ffmpeg\'s threads set to the CPU limit', () => {
    const { requests = {}, limits = {} } = container.resources ?? {}
    expect(Object.keys(requests).sort()).toEqual(['cpu', 'ephemeral-storage', 'memory'])
    expect(Object.keys(limits).sort()).toEqual(['cpu', 'memory'])
    for (const resource of ['cpu', 'memory']) expect(quantity(requests[resource]), resource).toBeLessThanOrEqual(quantity(limits[resource]))
    expect(quantity(requests.cpu)).toBeGreaterThanOrEqual(1)
    expect(Number(transcoderValues.data?.TRANSCODE_THREADS)).toBe(quantity(limits.cpu))
  })

  it('should write only to an emptyDir /tmp in memory and the scratch volume on disk, where TRANSCODE_SCRATCH_DIR lies', () => {
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
      { name: 'scratch', emptyDir: { sizeLimit: expect.any(String) } },
    ])
    expect(container.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'scratch', mountPath: '/scratch' },
    ])
    // A folder inside the volume, not its root: the transcoder chmods and at exit removes its scratch root, which
    // uid 1000 may not do to an emptyDir's root (root's) nor to the mount point.
    const dir = transcoderValues.data?.TRANSCODE_SCRATCH_DIR ?? ''
    expect(posix.isAbsolute(dir)).toBe(true)
    const inside = posix.relative('/scratch', posix.normalize(dir))
    expect(inside, dir).not.toBe('')
    expect(inside.startsWith('..'), dir).toBe(false)
  })

  it('should size the scratch volume and its disk request as TRANSCODE_SCRATCH_SIZE says, room for the largest upload', () => {
    const size = transcoderValues.data?.TRANSCODE_SCRATCH_SIZE
    expect(size).toBe('100Gi')
    expect(read(deployment, SCRATCH_PATH)).toBe(size)
    expect(read(deployment, EPHEMERAL_PATH)).toBe(size)
    // The transcoder reads the same value (src/transcoder/scratch.ts), and the Kubernetes quantity means as much.
    expect(parseSize(size!)).toBe(quantity(size))
    // The largest source the transcoder accepts (MAX_UPLOAD_BYTES, from the ConfigMaps or its default) must fit, with its outputs.
    expect(parseSize(size!)).toBeGreaterThan(limitsFromEnv(podEnvironment()).maxSourceBytes)
  })

  it('should copy TRANSCODE_SCRATCH_SIZE into the Deployment by kustomization.yaml\'s replacement, so a new value is followed', () => {
    expect(kustomization.replacements).toEqual([
      {
        source: { kind: 'ConfigMap', name: 'flixpeek-transcoder-config', fieldPath: 'data.TRANSCODE_SCRATCH_SIZE' },
        targets: [{ select: { kind: 'Deployment', name: 'flixpeek-transcoder' }, fieldPaths: [SCRATCH_PATH, EPHEMERAL_PATH] }],
      },
    ])
    // An edited value (as an overlay's) reaches the scratch volume and the request, and nothing else.
    const edited = structuredClone(objects)
    named(edited, 'ConfigMap', 'flixpeek-transcoder-config').data!.TRANSCODE_SCRATCH_SIZE = '37Gi'
    const built = applyReplacements(edited, kustomization.replacements!)
    const builtPod = named<DeploymentObject>(built, 'Deployment', 'flixpeek-transcoder').spec.template.spec
    expect(builtPod.volumes?.find((volume) => volume.name === 'scratch')?.emptyDir).toEqual({ sizeLimit: '37Gi' })
    expect(builtPod.volumes?.find((volume) => volume.name === 'tmp')?.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '16Mi' })
    expect(builtPod.containers[0]!.resources?.requests?.['ephemeral-storage']).toBe('37Gi')
    expect(built.filter((o) => o.metadata.name !== 'flixpeek-transcoder-config' && o.metadata.name !== 'flixpeek-transcoder')).toEqual(
      objects.filter((o) => o.metadata.name !== 'flixpeek-transcoder-config' && o.metadata.name !== 'flixpeek-transcoder'),
    )
    // The path resolver is strict: a volume that is not there is an error, not a silent no-op.
    expect(() => read(deployment, 'spec.template.spec.volumes.[name=nope].emptyDir.sizeLimit')).toThrow(/\[name=nope\]/)
  })

  it('should give it more than the default grace period to kill ffmpeg and remove its scratch folder', () => {
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30)
    expect(pod.terminationGracePeriodSeconds).toBeLessThanOrEqual(60)
  })
})

describe('configuration of the transcoder pods', () => {
  it('should read both ConfigMaps and only the AWS keys, from its own Secret (not the web pods\' keys)', () => {
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'flixpeek-config' } }, { configMapRef: { name: 'flixpeek-transcoder-config' } }])
    const refs = Object.fromEntries((container.env ?? []).map((v) => [v.name, v.valueFrom?.secretKeyRef]))
    expect(refs).toEqual({
      AWS_ACCESS_KEY_ID: { name: 'flixpeek-transcoder-aws', key: 'AWS_ACCESS_KEY_ID' },
      AWS_SECRET_ACCESS_KEY: { name: 'flixpeek-transcoder-aws', key: 'AWS_SECRET_ACCESS_KEY' },
    })
    for (const name of Object.keys(transcoderValues.data ?? {})) expect(name).not.toMatch(/SECRET|TOKEN|PEPPER|PASSWORD|KEY/)
  })

  it('should pass transcoderConfig in production without the app\'s secrets (JWT_SECRET, PASSWORD_PEPPER, TMDB)', () => {
    const env = podEnvironment()
    expect(env.ENVIRONMENT).toBe('production')
    for (const name of Object.keys(env)) expect(name).not.toMatch(/^(JWT_SECRET|PASSWORD_PEPPER|TMDB_.*|MEDIA_WRITE_SECRET|VAPID_PRIVATE_KEY)$/)
    const config = transcoderConfig(env)
    expect(config).toMatchObject({ isProduction: true, MEDIA_S3_BUCKET: appConfig.data?.MEDIA_S3_BUCKET, DYNAMODB_TABLE: appConfig.data?.DYNAMODB_TABLE, SNS_TOPIC_ARN: appConfig.data?.SNS_TOPIC_ARN })
    expect(env.TRANSCODE_QUEUE_URL).toBe(appConfig.data?.TRANSCODE_QUEUE_URL)
    // The app's own schema refuses this environment: the transcoder really goes without those secrets.
    expect(() => parseConfig(env)).toThrow(/JWT_SECRET/)
    // And what transcoderConfig needs comes from the ConfigMaps.
    const { TRANSCODE_QUEUE_URL: _queue, ...noQueue } = env
    expect(() => transcoderConfig(noQueue)).toThrow(/TRANSCODE_QUEUE_URL/)
    const { MEDIA_S3_BUCKET: _bucket, ...noBucket } = env
    expect(() => transcoderConfig(noBucket)).toThrow(/MEDIA_S3_BUCKET/)
  })

  it('should also start with the AWS keys left out under IRSA (the variables EKS sets for an annotated ServiceAccount)', () => {
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...env } = podEnvironment()
    expect(() => transcoderConfig(env)).toThrow(/AWS_ACCESS_KEY_ID/)
    const irsa = { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/flixpeek', AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' }
    expect(transcoderConfig({ ...env, ...irsa })).toMatchObject({ isProduction: true })
  })
})
