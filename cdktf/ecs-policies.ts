import type { PolicyDocument } from './worker-policy'

/**
 * The ECS stack's other IAM documents (the task role's is the worker's own, cdktf/worker-policy.ts).
 * Pure functions of ARNs, so test/ops/cdktf-ecs.test.ts can hold each grant exactly.
 */

/** A role's trust policy (it names a principal and no resource). */
export interface TrustPolicy {
  Version: '2012-10-17'
  Statement: {
    Sid: string
    Effect: 'Allow'
    Principal: { Service: string }
    Action: ['sts:AssumeRole']
    Condition: { StringEquals: { 'aws:SourceAccount': string } }
  }[]
}

/**
 * Who may assume a role: one AWS service, and only on behalf of this account (`account`: the deploying account's
 * id, from a DataAwsCallerIdentity). The service principal alone is every customer's ECS or EventBridge; the
 * aws:SourceAccount condition keeps another account's task or rule from being handed this role (AWS's
 * cross-service confused-deputy guidance; the third audit's L5).
 */
export function assumedBy(service: 'ecs-tasks.amazonaws.com' | 'events.amazonaws.com', account: string): TrustPolicy {
  return {
    Version: '2012-10-17',
    Statement: [{
      Sid: 'AssumedByService',
      Effect: 'Allow',
      Principal: { Service: service },
      Action: ['sts:AssumeRole'],
      Condition: { StringEquals: { 'aws:SourceAccount': account } },
    }],
  }
}

export interface ExecutionResources {
  repositoryArn: string
  /** The log group's ARN (without `:*`); streams are under it. */
  logGroupArn: string
  /** Every SSM parameter the task definition names in `secrets`. */
  parameterArns: string[]
}

/**
 * What ECS itself needs to start a task: pull this repository's image, write to this log group,
 * read these parameters (SecureString with the account's default aws/ssm key: no kms grant needed).
 * ecr:GetAuthorizationToken has no resource-level permission: `*` is the only value AWS accepts.
 */
export function executionPolicy(resources: ExecutionResources): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'RegistryLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
      {
        Sid: 'PullImage',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Resource: [resources.repositoryArn],
      },
      { Sid: 'WriteLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${resources.logGroupArn}:*`] },
      // IAM refuses a statement without a resource: a task with no secret gets none.
      ...(resources.parameterArns.length > 0 ? [{ Sid: 'ReadSecrets', Effect: 'Allow' as const, Action: ['ssm:GetParameters'], Resource: resources.parameterArns }] : []),
    ],
  }
}

export interface SchedulerResources {
  clusterArn: string
  taskDefinitionArn: string
  /** The task's roles, which EventBridge hands to ECS when it starts a scheduled task. */
  passRoleArns: string[]
}

/** EventBridge's role for the cron triggers: run this task definition on this cluster, and pass its two roles to ECS only. */
export function schedulerPolicy(resources: SchedulerResources): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RunCronTask',
        Effect: 'Allow',
        Action: ['ecs:RunTask'],
        Resource: [resources.taskDefinitionArn],
        Condition: { ArnEquals: { 'ecs:cluster': resources.clusterArn } },
      },
      {
        Sid: 'PassTaskRoles',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: resources.passRoleArns,
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ],
  }
}
