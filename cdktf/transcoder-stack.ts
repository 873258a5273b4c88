import { Fn, Op, TerraformStack, TerraformVariable, Token } from 'cdktf'
import { DataAwsSubnets } from '@cdktf/provider-aws/lib/data-aws-subnets'
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc'
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster'
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group'
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule'
import { Construct } from 'constructs'
import { TRANSCODE_QUEUE } from '../infra/resources'
import { besideAppStack, type BesideAppStackProps } from './beside-app-stack'
import { permissionsBoundary } from './boundary'
import { MEDIA_WRITE_SECRET_PARAMETER } from './inputs'
import { addTranscoderService } from './transcoder-service'

/**
 * The transcoder of a Workers environment, on ECS Fargate. The media stays in R2 behind the worker: the
 * transcoder reads sources and writes renditions through the app's signed internal media routes on its public
 * URL (app_url), signing with MEDIA_WRITE_SECRET from SSM, so no R2 credential lives in AWS. It reads the app
 * stack's table, topic and transcode queue by name (deploy that stack first). Its network: a VPC and subnets as
 * variables, by default the account's default VPC with public IPs (its tasks only call out, over HTTPS).
 */
export class TranscoderStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: BesideAppStackProps) {
    super(scope, id)
    const app = besideAppStack(this, id, props, 'transcoder')
    const { names, arn, table, topic } = app

    const appUrl = new TerraformVariable(this, 'app_url', {
      type: 'string',
      description: 'The worker\'s public origin (https://…): the transcoder reaches the media through its internal routes',
      validation: [{ condition: 'can(regex("^https://[^/]+$", var.app_url))', errorMessage: 'app_url must be an https:// origin without a path' }],
    })
    const parameterPrefix = new TerraformVariable(this, 'ssm_parameter_prefix', { type: 'string', default: `/${names}`, description: `SSM path holding ${MEDIA_WRITE_SECRET_PARAMETER} (SecureString)` })
    const vpcId = new TerraformVariable(this, 'vpc_id', { type: 'string', default: '', description: 'VPC the transcoder tasks run in; empty: the account\'s default VPC' })
    const subnetIds = new TerraformVariable(this, 'subnet_ids', {
      type: 'list(string)',
      default: [],
      description: 'Subnets of the tasks (in vpc_id); empty: every subnet of the VPC',
      // The security group is made in vpc_id (else the default VPC): subnets of another VPC would fail at CreateService.
      validation: [{ condition: 'length(var.subnet_ids) == 0 || length(var.vpc_id) > 0', errorMessage: 'subnet_ids needs vpc_id, the VPC they belong to' }],
    })
    const assignPublicIp = new TerraformVariable(this, 'assign_public_ip', { type: 'bool', default: true, description: 'Give tasks a public IP (subnets without NAT, as the default VPC\'s)' })

    const queue = app.queue(TRANSCODE_QUEUE)

    // (A literal 0 or '' would be dropped from the expression: compare with 1.)
    const useDefault = Op.lt(Fn.lengthOf(vpcId.stringValue), 1)
    const vpc = new DataAwsVpc(this, 'vpc', { default: useDefault, id: Token.asString(Fn.conditional(useDefault, Token.nullValue(), vpcId.stringValue)) })
    const vpcSubnets = new DataAwsSubnets(this, 'vpc_subnets', { filter: [{ name: 'vpc-id', values: [vpc.id] }] })
    const subnets = Token.asList(Fn.conditional(Op.gte(Fn.lengthOf(subnetIds.listValue), 1), subnetIds.listValue, vpcSubnets.ids))
    const tasksGroup = new SecurityGroup(this, 'transcoder_sg', { name: `${names}-transcoder`, description: 'Flixpeek transcoder: nothing in, HTTPS out', vpcId: vpc.id })
    // Out to DynamoDB, SNS, SQS, ECR and the app, over HTTPS only (the ECS agent's endpoint is link-local, outside any group).
    new VpcSecurityGroupEgressRule(this, 'transcoder_out_https', { securityGroupId: tasksGroup.id, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' })

    const cluster = new EcsCluster(this, 'cluster', { name: `${names}-transcoder`, setting: [{ name: 'containerInsights', value: 'enabled' }] })
    addTranscoderService(this, {
      names,
      cluster: { id: cluster.id, arn: cluster.arn, name: cluster.name },
      network: { subnets, securityGroups: [tasksGroup.id], assignPublicIp: assignPublicIp.booleanValue as unknown as boolean },
      table: { arn: table.arn, name: table.name },
      topicArn: topic.arn,
      queue: { arn: queue.arn, url: queue.url, name: queue.name },
      media: { kind: 'app', appUrl: appUrl.stringValue, secretParameterArn: arn('ssm', `parameter${parameterPrefix.stringValue}/${MEDIA_WRITE_SECRET_PARAMETER}`) },
      region: app.region,
      accountId: app.accountId,
      arn,
      permissionsBoundary: permissionsBoundary(this),
    })
  }
}
