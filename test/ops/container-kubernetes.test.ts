import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { CronJob } from 'kubernetes-models/batch/v1/CronJob'
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress'
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap'
import { Service } from 'kubernetes-models/v1/Service'
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { parseConfig } from '../../src/config'
import { CRON } from '../../src/platform'
import { vapidKeys } from '../../scripts/lib/dev-vars'
import { missingInProduction, requiredInProduction } from './support/production-config'

/** deploy/kubernetes: every object valid against the Kubernetes schemas (kubernetes-models), and wired to the app's config and cron table. */
const DIR = 'deploy/kubernetes'
const VALIDATORS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'batch/v1/CronJob': CronJob,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
}

interface EnvVar { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }
interface Container {
  name: string
  image: string
  args?: string[]
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[]
  env?: EnvVar[]
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> }
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } }
  volumeMounts?: { name: string; mountPath: string }[]
  readinessProbe?: { httpGet?: { path: string; port: string | number } }
  livenessProbe?: { httpGet?: { path: string; port: string | number } }
  ports?: { name?: string; containerPort: number }[]
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number }
  containers: Container[]
  volumes?: ({ name: string } & Record<string, unknown>)[]
}
interface K8sObject { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: Record<string, unknown>; data?: Record<string, string> }

const kustomization = parseAllDocuments(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as {
  resources: string[]
  images: { name: string; newName?: string; newTag?: string; digest?: string }[]
}
const objects: K8sObject[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => {
    expect(doc.errors, file).toEqual([])
    return doc.toJS() as K8sObject
  }),
)
const ofKind = <T = K8sObject>(kind: string) => objects.filter((o) => o.kind === kind) as T[]
const named = <T = K8sObject>(kind: string, name: string) => {
  const found = ofKind(kind).filter((o) => o.metadata.name === name)
  expect(found, `${kind} ${name}`).toHaveLength(1)
  return found[0] as T
}
interface PodTemplate { metadata: { labels: Record<string, string> }; spec: PodSpec }
type DeploymentObject = K8sObject & { spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: PodTemplate } }
const deployment = named<DeploymentObject>('Deployment', 'flixpeek')
const cronJobs = ofKind('CronJob') as (K8sObject & { spec: { schedule: string; timeZone?: string; concurrencyPolicy: string; jobTemplate: { spec: { template: PodTemplate } } } })[]
const configMap = named('ConfigMap', 'flixpeek-config')
const webPod = deployment.spec.template.spec
/** Every pod template of the folder, by its owner's name (the transcoder's has a test file of its own). */
const podTemplates: [string, PodTemplate][] = [
  ...ofKind<DeploymentObject>('Deployment').map((d): [string, PodTemplate] => [d.metadata.name, d.spec.template]),
  ...cronJobs.map((job): [string, PodTemplate] => [job.metadata.name, job.spec.jobTemplate.spec.template]),
]
/** The web and cron pods: the same image, environment and rules. */
const podSpecs: [string, PodSpec][] = podTemplates.filter(([owner]) => owner !== 'flixpeek-transcoder').map(([owner, template]) => [owner, template.spec])
/** A label selector's matchLabels (or a Service's selector) picks the pods whose labels hold every pair. */
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value)

describe('deploy/kubernetes', () => {
  it('should list every manifest of the folder in kustomization.yaml', () => {
    const files = readdirSync(DIR).filter((file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml')
    expect([...kustomization.resources].sort()).toEqual(files.sort())
  })

  it('should hold only objects that are valid against the Kubernetes schemas', () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual([
      'ConfigMap flixpeek-config',
      'ConfigMap flixpeek-transcoder-config',
      'CronJob flixpeek-drain-events',
      'CronJob flixpeek-release-alerts',
      'CronJob flixpeek-weekly-digest',
      'Deployment flixpeek',
      'Deployment flixpeek-transcoder',
      'Ingress flixpeek',
      'PodDisruptionBudget flixpeek',
      'Service flixpeek',
      'ServiceAccount flixpeek',
      'ServiceAccount flixpeek-transcoder',
    ])
    for (const object of objects) {
      const Model = VALIDATORS[`${object.apiVersion}/${object.kind}`]
      expect(Model, `${object.apiVersion} ${object.kind}`).toBeDefined()
      expect(() => new Model!(object as never).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow()
    }
  })

  it('should have the schema validation reject a broken object (the validator really runs)', () => {
    const broken = structuredClone(deployment) as unknown as { spec: { replicas: unknown; template: { spec: { containers: Record<string, unknown>[] } } } }
    broken.spec.replicas = 'two'
    expect(() => new Deployment(broken as never).validate()).toThrow(/replicas/)
    const nested = structuredClone(deployment) as unknown as { spec: { template: { spec: { containers: { securityContext: Record<string, unknown> }[] } } } }
    nested.spec.template.spec.containers[0]!.securityContext.readOnlyRootFilesystem = 'yes'
    expect(() => new Deployment(nested as never).validate()).toThrow(/containers\/0\/securityContext\/readOnlyRootFilesystem must be boolean/)
    const noImage = structuredClone(cronJobs[0]!) as unknown as { spec: { schedule?: string } }
    delete noImage.spec.schedule
    expect(() => new CronJob(noImage as never).validate()).toThrow(/schedule/)
  })

  it('should run 2 replicas, ready on /healthz and alive on /livez, each on the container port', () => {
    expect(deployment.spec.replicas).toBe(2)
    const [web] = webPod.containers
    expect(webPod.containers).toHaveLength(1)
    expect(web!.args).toEqual(['node', 'dist/server.js'])
    expect(web!.ports).toEqual([{ name: 'http', containerPort: 8787, protocol: 'TCP' }])
    expect(web!.readinessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' })
    expect(web!.livenessProbe?.httpGet).toEqual({ path: '/livez', port: 'http' })
  })

  it('should give every web and cron container requests and limits, a non-root read-only root, and only an emptyDir /tmp to write', () => {
    // Every pod template but the transcoder's (held to its own rule, with its scratch volume) is held to this one.
    expect(podSpecs.map(([owner]) => owner).sort()).toEqual(['flixpeek', ...cronJobs.map((job) => job.metadata.name)].sort())
    expect(podTemplates.map(([owner]) => owner).sort()).toEqual([...podSpecs.map(([owner]) => owner), 'flixpeek-transcoder'].sort())
    for (const [owner, pod] of podSpecs) {
      expect(pod.securityContext, owner).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 })
      expect(pod.volumes, owner).toEqual([{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }])
      for (const container of pod.containers) {
        expect(Object.keys(container.resources?.requests ?? {}).sort(), owner).toEqual(['cpu', 'memory'])
        expect(Object.keys(container.resources?.limits ?? {}).sort(), owner).toEqual(['cpu', 'memory'])
        expect(container.securityContext, owner).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } })
        expect(container.volumeMounts, owner).toEqual([{ name: 'tmp', mountPath: '/tmp' }])
        expect(kustomization.images.map((image) => image.name), owner).toContain(container.image)
      }
    }
  })

  it('should name both images by digest, never a tag: the base\'s placeholders pull nothing (audit 3, M8)', () => {
    expect(kustomization.images.map((image) => image.name).sort()).toEqual(['flixpeek', 'flixpeek-transcoder'])
    for (const image of kustomization.images) {
      expect(image, image.name).not.toHaveProperty('newTag')
      // All zeros: a well-formed digest no registry holds, so an unconfigured base fails to pull instead of running a tag.
      expect(image.digest, image.name).toBe(`sha256:${'0'.repeat(64)}`)
    }
    // No manifest names a `latest` image (comments aside).
    const manifests = readdirSync(DIR).map((file) => readFileSync(join(DIR, file), 'utf8').replace(/#.*$/gm, '')).join('\n')
    expect(manifests).not.toMatch(/\blatest\b/)
    for (const [owner, template] of podTemplates) for (const container of template.spec.containers) expect(container.image, owner).not.toMatch(/[:@]/)
  })

  it('should route the Service and the disruption budget to the web pods only (not the cron or transcoder pods)', () => {
    const labels = deployment.spec.template.metadata.labels
    expect(deployment.spec.selector.matchLabels).toEqual(labels)
    const service = ofKind<{ spec: { selector: Record<string, string>; ports: { targetPort: string }[] } }>('Service')[0]!
    expect(service.spec.selector).toEqual(labels)
    expect(service.spec.ports.map((p) => p.targetPort)).toEqual(['http'])
    const budget = ofKind<{ spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } }>('PodDisruptionBudget')[0]!
    expect(budget.spec.selector.matchLabels).toEqual(labels)
    expect(budget.spec.minAvailable).toBeLessThan(deployment.spec.replicas)
    const others = podTemplates.filter(([owner]) => owner !== deployment.metadata.name)
    expect(others.map(([owner]) => owner)).toEqual(expect.arrayContaining(['flixpeek-transcoder', ...cronJobs.map((job) => job.metadata.name)]))
    for (const [owner, template] of others) {
      expect(selects(service.spec.selector, template.metadata.labels), `the Service selects ${owner}'s pods`).toBe(false)
      expect(selects(budget.spec.selector.matchLabels, template.metadata.labels), `the disruption budget selects ${owner}'s pods`).toBe(false)
    }
  })
})

describe('configuration of the pods', () => {
  const web = webPod.containers[0]!
  /** What a pod's environment holds: the ConfigMap's values, plus a stand-in (strong, not a dummy) for each Secret reference. */
  const podEnvironment = (container: Container) => {
    const env: Record<string, string> = {}
    // Values of the right shape where the config checks one (the VAPID pair: a real P-256 pair).
    const shaped: Record<string, string> = vapidKeys()
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }])
    Object.assign(env, configMap.data)
    for (const variable of container.env ?? []) {
      expect(variable.value, `${variable.name} must come by reference`).toBeUndefined()
      expect(variable.valueFrom?.secretKeyRef?.optional).not.toBe(true)
      env[variable.name] = shaped[variable.name] ?? `stand-in-${variable.name.toLowerCase()}-0123456789abcdef0123456789`
    }
    return env
  }

  it('should let the pods see each client\'s own address, or the rate limits count whole nodes (audit 3, M7)', () => {
    const service = ofKind<{ metadata: { annotations?: Record<string, string> }; spec: { type: string; externalTrafficPolicy?: string } }>('Service')[0]!
    const trusted = (configMap as { data: Record<string, string> }).data.TRUSTED_CLIENT_IP_HEADER
    // Either the balancer hands the client's address over as the peer, or a proxy sets a header the app trusts.
    if (service.spec.type === 'LoadBalancer') {
      expect(service.spec.externalTrafficPolicy).toBe('Local')
      expect(service.metadata.annotations?.['service.beta.kubernetes.io/aws-load-balancer-type']).toBe('nlb')
    } else expect(trusted).toBeTruthy()
  })

  it('should serve the site over TLS only: an Ingress with a TLS Secret for PUBLIC_URL\'s https host, no plain-http way in (audit 3, M6)', () => {
    const publicUrl = new URL((configMap as { data: Record<string, string> }).data.PUBLIC_URL!)
    expect(publicUrl.protocol).toBe('https:')
    type IngressSpec = { tls: { hosts: string[]; secretName: string }[]; rules: { host: string; http: { paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[] } }[] }
    const ingress = named<K8sObject & { spec: IngressSpec; metadata: { annotations?: Record<string, string> } }>('Ingress', 'flixpeek')
    expect(ingress.spec.tls).toEqual([{ hosts: [publicUrl.host], secretName: expect.any(String) }])
    expect(ingress.spec.rules.map((rule) => rule.host)).toEqual([publicUrl.host])
    const service = named<K8sObject & { spec: { type?: string; ports: { name: string }[] } }>('Service', 'flixpeek')
    expect(ingress.spec.rules[0]!.http.paths).toEqual([expect.objectContaining({ path: '/', backend: { service: { name: service.metadata.name, port: { name: service.spec.ports[0]!.name } } } })])
    expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/force-ssl-redirect']).toBe('true')
    // The Service is reachable from inside the cluster only: the Ingress is the one way in.
    expect(service.spec.type ?? 'ClusterIP').toBe('ClusterIP')
  })

  it('should provide every variable the config schema requires in production, secrets by reference', () => {
    const required = requiredInProduction()
    expect(required).toEqual(expect.arrayContaining(['JWT_SECRET', 'PASSWORD_PEPPER', 'PUBLIC_URL', 'SNS_TOPIC_ARN', 'SQS_QUEUE_URL', 'TMDB_READ_TOKEN', 'AWS_ACCESS_KEY_ID']))
    const env = podEnvironment(web)
    // TMDB_READ_TOKEN's issue says "or TMDB_API_KEY": the seed's Secret provides the key.
    expect(missingInProduction(Object.keys(env))).toEqual([])
    expect(() => parseConfig(env)).not.toThrow()
    expect(parseConfig(env)).toMatchObject({ isProduction: true, tmdbAuth: { kind: 'api_key' } })
  })

  it('should also start with the AWS keys left out under IRSA (the variables EKS sets for an annotated ServiceAccount)', () => {
    const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...env } = podEnvironment(web)
    expect(() => parseConfig(env)).toThrow(/AWS_ACCESS_KEY_ID/)
    const irsa = { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/flixpeek', AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' }
    expect(parseConfig({ ...env, ...irsa })).toMatchObject({ isProduction: true })
  })

  it('should take the TMDB key from the seed\'s Secret tmdb-api-key-secret and the other secrets from a Secret too', () => {
    const refs = Object.fromEntries((web.env ?? []).map((v) => [v.name, v.valueFrom?.secretKeyRef?.name]))
    expect(refs).toEqual({
      TMDB_API_KEY: 'tmdb-api-key-secret',
      JWT_SECRET: 'flixpeek-secrets',
      PASSWORD_PEPPER: 'flixpeek-secrets',
      VAPID_PUBLIC_KEY: 'flixpeek-secrets',
      VAPID_PRIVATE_KEY: 'flixpeek-secrets',
      AWS_ACCESS_KEY_ID: 'flixpeek-secrets',
      AWS_SECRET_ACCESS_KEY: 'flixpeek-secrets',
    })
  })

  it('should give the web and cron pods this environment\'s Web Push VAPID pair from flixpeek-secrets, so push is on (audit 3, info)', () => {
    for (const [owner, pod] of podSpecs) {
      const refs = Object.fromEntries((pod.containers[0]!.env ?? []).map((v) => [v.name, v.valueFrom?.secretKeyRef]))
      for (const key of ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY']) expect(refs[key], `${owner} ${key}`).toEqual({ name: 'flixpeek-secrets', key })
    }
    expect(parseConfig(podEnvironment(web)).vapid).toMatchObject({ publicKey: expect.stringMatching(/^[\w-]{87}$/) })
    // The docs' Secret command creates both keys.
    const docs = readFileSync('docs/self-hosting.md', 'utf8')
    for (const key of ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY']) expect(docs).toContain(`--from-literal=${key}=`)
  })

  it('should give the web pods the media bucket and name the transcoder\'s queue apart from the notification queue', () => {
    const env = podEnvironment(web)
    expect(env).toMatchObject({ MEDIA_S3_BUCKET: 'netflix-clone-prod-media', TRANSCODE_QUEUE_URL: expect.stringMatching(/^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com\/\d{12}\/[\w-]+-transcode$/) })
    // Uploads land in the bucket: without it the app would keep media under MEDIA_DIR, on the read-only root.
    expect(parseConfig(env).MEDIA_S3_BUCKET).toBe('netflix-clone-prod-media')
    expect(env.MEDIA_DIR).toBeUndefined()
    expect(env.TRANSCODE_QUEUE_URL).not.toBe(env.SQS_QUEUE_URL)
  })

  it('should commit no secret value: no Secret object, no secret-named key in the ConfigMap', () => {
    expect(ofKind('Secret')).toEqual([])
    for (const name of Object.keys(configMap.data ?? {})) expect(name).not.toMatch(/SECRET|TOKEN|PEPPER|PASSWORD|KEY/)
    expect(configMap.data).toMatchObject({ ENVIRONMENT: 'production', HOST: '0.0.0.0', PORT: '8787' })
    // The CronJobs run the triggers: the web replicas' in-process scheduler (src/main/node) is off.
    expect(configMap.data?.CRON_SCHEDULER).toBe('off')
  })
})

describe('CronJobs', () => {
  it('should be one per cron trigger of the cron table and wrangler.toml', () => {
    const line = /^crons\s*=\s*\[(.*)\]\s*$/m.exec(readFileSync('wrangler.toml', 'utf8'))
    const wrangler = [...(line?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1])
    const schedules = cronJobs.map((job) => job.spec.schedule).sort()
    expect(schedules).toEqual(Object.values(CRON).sort())
    expect(schedules).toEqual(wrangler.sort())
  })

  it('should run the cron CLI for its own expression, never overlapping itself, in UTC', () => {
    for (const job of cronJobs) {
      expect(job.spec.concurrencyPolicy).toBe('Forbid')
      expect(job.spec.timeZone).toBe('Etc/UTC')
      const pod = job.spec.jobTemplate.spec.template.spec
      expect(pod.containers.map((c) => c.args)).toEqual([['node', 'dist/cron.js', job.spec.schedule]])
    }
  })

  it('should give the jobs the same configuration as the web pods', () => {
    const web = webPod.containers[0]!
    for (const job of cronJobs) {
      const container = job.spec.jobTemplate.spec.template.spec.containers[0]!
      expect({ envFrom: container.envFrom, env: container.env }, job.metadata.name).toEqual({ envFrom: web.envFrom, env: web.env })
    }
  })
})
