import { TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf'
import { IamRole } from '@cdktf/provider-aws/lib/iam-role'
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy'
import { Construct } from 'constructs'
import { CONSUMED_QUEUES, MAIN_TABLE, TRANSCODE_QUEUE } from '../infra/resources'
import { TRANSCODER_MEDIA_METHODS } from '../infra/worker-access'
import { besideAppStack, type BesideAppStackProps } from './beside-app-stack'
import { permissionsBoundary } from './boundary'
import { SERVICE_ACCOUNTS } from './inputs'
import { addMediaBucket } from './media-bucket'
import { mediaBucketStatements, transcoderPolicy } from './transcoder-policy'
import { workerPolicy, type PolicyDocument } from './worker-policy'


/**
 * Optional (KUBERNETES_ENVIRONMENTS): what deploy/kubernetes needs in AWS beside the app stack: the S3 media bucket
 * (MEDIA_S3_BUCKET of the web and transcoder pods) and two roles for EKS IRSA, each trusted only by its own
 * ServiceAccount through the cluster's OIDC provider and holding exactly its process's calls: the web pods the
 * worker's policy plus the media bucket, the transcoder its own (its queue, its video rows, S3 get and put). Each
 * role's policy is an output too, for clusters outside EKS (attach it to an IAM user whose keys the pods get).
 */
export class KubernetesStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: BesideAppStackProps) {
    super(scope, id)
    const app = besideAppStack(this, id, props, 'kubernetes')
    const { names, arn, table, topic } = app
    const issuer = new TerraformVariable(this, 'oidc_issuer', {
      type: 'string',
      description: 'The cluster\'s OIDC issuer without https:// (oidc.eks.<region>.amazonaws.com/id/<id>)',
      // With the scheme the trust's condition keys would never match, and AssumeRoleWithWebIdentity would just fail.
      validation: [{ condition: 'can(regex("^[^:/]+(/\\\\S*)?$", var.oidc_issuer))', errorMessage: 'oidc_issuer is the issuer without https://, e.g. oidc.eks.eu-west-1.amazonaws.com/id/ABC123' }],
    })
    const provider = new TerraformVariable(this, 'oidc_provider_arn', { type: 'string', description: 'The IAM OIDC provider of that issuer' })
    const namespace = new TerraformVariable(this, 'namespace', { type: 'string', default: 'default', description: 'The namespace deploy/kubernetes is applied in' })

    const mailDomain = new TerraformVariable(this, 'mail_domain', { type: 'string', default: '', description: 'The app stack\'s mail_domain (the web pods may send as that SES identity)' })
    const bucket = addMediaBucket(this, `${names}-media`)
    const boundary = permissionsBoundary(this)
    const role = (roleId: string, account: string, policy: PolicyDocument) => {
      const created = new IamRole(this, roleId, {
        name: `${names}-k8s-${roleId.replace(/_role$/, '')}`,
        permissionsBoundary: boundary,
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{
            Sid: 'AssumedByServiceAccount',
            Effect: 'Allow',
            Principal: { Federated: provider.stringValue },
            Action: ['sts:AssumeRoleWithWebIdentity'],
            Condition: { StringEquals: { [`${issuer.stringValue}:sub`]: `system:serviceaccount:${namespace.stringValue}:${account}`, [`${issuer.stringValue}:aud`]: 'sts.amazonaws.com' } },
          }],
        }),
      })
      new IamRolePolicy(this, `${roleId}_policy`, { name: `${created.name}-access`, role: created.id, policy: JSON.stringify(policy) })
      new TerraformOutput(this, `${roleId}_arn`, { value: created.arn, description: `eks.amazonaws.com/role-arn of the ServiceAccount ${account}` })
      new TerraformOutput(this, `${roleId}_policy_json`, { value: JSON.stringify(policy), description: `The ${account} pods' grants, for an IAM user outside EKS` })
    }
    const worker = workerPolicy({
      tableArns: [table.arn],
      indexArns: MAIN_TABLE.globalIndexes.map((index) => `${table.arn}/index/${index.name}`),
      topicArn: topic.arn,
      queueArns: CONSUMED_QUEUES.map((definition) => app.queue(definition).arn),
      mailIdentityArn: arn('ses', `identity/${mailDomain.stringValue}`),
    })
    role('web_role', SERVICE_ACCOUNTS.web, { ...worker, Statement: [...worker.Statement, ...mediaBucketStatements(bucket.arn)] })
    role('transcoder_role', SERVICE_ACCOUNTS.transcoder, transcoderPolicy({ tableArn: table.arn, topicArn: topic.arn, queueArn: app.queue(TRANSCODE_QUEUE).arn, bucketArn: bucket.arn }, TRANSCODER_MEDIA_METHODS))
    new TerraformOutput(this, 'media_bucket_name', { value: bucket.bucket, description: 'MEDIA_S3_BUCKET of the web and transcoder pods' })
  }
}
