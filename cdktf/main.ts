import { App } from 'cdktf'
import { EcsStack } from './ecs-stack'
import { ecsStackId, hasTranscoderStack, kubernetesStackId, readInputs, stackId, transcoderStackId } from './inputs'
import { KubernetesStack } from './kubernetes-stack'
import { AppStack } from './stack'
import { TranscoderStack } from './transcoder-stack'

/**
 * `npm run synth` (tsx cdktf/main.ts) and `cdktf synth|deploy|destroy` (cdktf.json) both run this.
 * Offline: no provider download, no terraform binary.
 */
export function synthesize(env: Record<string, string | undefined>, outdir = 'cdktf.out'): App {
  const inputs = readInputs(env)
  const app = new App({ outdir, skipValidation: false })
  for (const environment of inputs.environments) {
    new AppStack(app, stackId(inputs.prefix, environment), {
      prefix: inputs.prefix,
      environment,
      ...(inputs.remoteState ? { remoteState: inputs.remoteState } : {}),
    })
  }
  // Each Workers environment's transcoder (R2 through the worker); an environment on ECS has its own in the ECS stack (S3).
  for (const environment of inputs.environments.filter((name) => hasTranscoderStack(inputs, name))) {
    new TranscoderStack(app, transcoderStackId(inputs.prefix, environment), {
      prefix: inputs.prefix,
      environment,
      ...(inputs.remoteState ? { remoteState: inputs.remoteState } : {}),
    })
  }
  // Optional: the Node runtime's image on ECS Fargate, only for the environments ECS_ENVIRONMENTS names.
  for (const environment of inputs.ecsEnvironments) {
    new EcsStack(app, ecsStackId(inputs.prefix, environment), {
      prefix: inputs.prefix,
      environment,
      ...(inputs.remoteState ? { remoteState: inputs.remoteState } : {}),
    })
  }
  // Optional: the S3 bucket and IRSA roles of deploy/kubernetes, for the environments KUBERNETES_ENVIRONMENTS names.
  for (const environment of inputs.kubernetesEnvironments) {
    new KubernetesStack(app, kubernetesStackId(inputs.prefix, environment), {
      prefix: inputs.prefix,
      environment,
      ...(inputs.remoteState ? { remoteState: inputs.remoteState } : {}),
    })
  }
  app.synth()
  return app
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))
if (invokedDirectly) {
  process.env.CHECKPOINT_DISABLE ??= '1'
  try {
    const started = performance.now()
    const app = synthesize(process.env, process.env.CDKTF_OUTDIR || 'cdktf.out')
    const stacks = app.node.children.map((child) => child.node.id).join(', ')
    console.log(`Synthesized ${stacks} into ${app.outdir} in ${Math.round(performance.now() - started)} ms`)
  } catch (error) {
    console.error(`synth failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}
