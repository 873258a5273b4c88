import { TerraformVariable } from 'cdktf'
import { Lb } from '@cdktf/provider-aws/lib/lb'
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener'
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group'
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group'
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule'
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule'
import { Construct } from 'constructs'
import { CONTAINER_PORT } from './ecs-container'

/** Elastic Load Balancing names are at most 32 characters. */
const lbName = (name: string) => name.slice(0, 32).replace(/-+$/, '')

export interface LoadBalancedNetwork {
  loadBalancer: Lb
  targetGroup: LbTargetGroup
  listeners: LbListener[]
  /** Where tasks (web and cron) run: the private subnets, the tasks' security group. */
  taskNetwork: { subnets: string[]; securityGroups: string[]; assignPublicIp: boolean }
  containerPort: number
}

/**
 * The ECS stack's network, inside a VPC given as variables (never written here): an internet-facing
 * Application Load Balancer in the public subnets, tasks in the private subnets reachable only from
 * the load balancer on the container port, and free to call AWS and TMDB out (through the VPC's NAT,
 * or a public IP when assign_public_ip). HTTPS only: the ACM certificate is a required input, and
 * port 80 only redirects to 443. Plain http would carry passwords, session cookies (which browsers
 * then drop, being Secure) and emailed reset links in the clear (the third audit's M6).
 */
export function addLoadBalancedNetwork(scope: Construct, names: string): LoadBalancedNetwork {
  const vpcId = new TerraformVariable(scope, 'vpc_id', { type: 'string', description: 'VPC the load balancer and the tasks run in' })
  const publicSubnets = new TerraformVariable(scope, 'public_subnet_ids', { type: 'list(string)', description: 'Subnets of the load balancer (two or more availability zones)' })
  const privateSubnets = new TerraformVariable(scope, 'private_subnet_ids', { type: 'list(string)', description: 'Subnets of the tasks (with a NAT route, or set assign_public_ip)' })
  const assignPublicIp = new TerraformVariable(scope, 'assign_public_ip', { type: 'bool', default: false, description: 'Give tasks a public IP (subnets without NAT)' })
  const certificate = new TerraformVariable(scope, 'certificate_arn', {
    type: 'string',
    description: 'ACM certificate of the HTTPS listener, for public_url\'s host (the site is served over HTTPS only)',
    validation: [{ condition: 'can(regex("^arn:[^:]+:acm:", var.certificate_arn))', errorMessage: 'certificate_arn must be the ARN of an ACM certificate (arn:…:acm:…)' }],
  })

  const loadBalancerGroup = new SecurityGroup(scope, 'load_balancer_sg', { name: `${names}-lb`, description: 'Flixpeek load balancer: HTTP(S) from anywhere', vpcId: vpcId.stringValue })
  const tasksGroup = new SecurityGroup(scope, 'tasks_sg', { name: `${names}-tasks`, description: 'Flixpeek tasks: the container port from the load balancer only', vpcId: vpcId.stringValue })
  for (const [port, family, cidr] of [[80, 'ipv4', '0.0.0.0/0'], [443, 'ipv4', '0.0.0.0/0'], [80, 'ipv6', '::/0'], [443, 'ipv6', '::/0']] as const) {
    new VpcSecurityGroupIngressRule(scope, `load_balancer_in_${port}_${family}`, {
      securityGroupId: loadBalancerGroup.id,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      ...(family === 'ipv4' ? { cidrIpv4: cidr } : { cidrIpv6: cidr }),
    })
  }
  new VpcSecurityGroupEgressRule(scope, 'load_balancer_to_tasks', {
    securityGroupId: loadBalancerGroup.id,
    ipProtocol: 'tcp',
    fromPort: CONTAINER_PORT,
    toPort: CONTAINER_PORT,
    referencedSecurityGroupId: tasksGroup.id,
  })
  new VpcSecurityGroupIngressRule(scope, 'tasks_from_load_balancer', {
    securityGroupId: tasksGroup.id,
    ipProtocol: 'tcp',
    fromPort: CONTAINER_PORT,
    toPort: CONTAINER_PORT,
    referencedSecurityGroupId: loadBalancerGroup.id,
  })
  // Out to DynamoDB, SNS, SQS, SES, TMDB and ECR over HTTPS (and DNS through the VPC resolver, which needs no rule).
  new VpcSecurityGroupEgressRule(scope, 'tasks_out_https', { securityGroupId: tasksGroup.id, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' })

  const loadBalancer = new Lb(scope, 'load_balancer', {
    name: lbName(names),
    loadBalancerType: 'application',
    internal: false,
    securityGroups: [loadBalancerGroup.id],
    subnets: publicSubnets.listValue,
    dropInvalidHeaderFields: true,
  })
  const targetGroup = new LbTargetGroup(scope, 'web', {
    name: lbName(`${names}-web`),
    port: CONTAINER_PORT,
    protocol: 'HTTP',
    targetType: 'ip',
    vpcId: vpcId.stringValue,
    deregistrationDelay: '30',
    healthCheck: { path: '/healthz', matcher: '200', interval: 15, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
  })
  const forward = [{ type: 'forward', targetGroupArn: targetGroup.arn }]
  // Port 80 answers only with a permanent redirect to the same URL over https: nothing reaches the tasks in plain http.
  const toHttps = [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }]
  const http = new LbListener(scope, 'http', { loadBalancerArn: loadBalancer.arn, port: 80, protocol: 'HTTP', defaultAction: toHttps })
  const https = new LbListener(scope, 'https', {
    loadBalancerArn: loadBalancer.arn,
    port: 443,
    protocol: 'HTTPS',
    sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    certificateArn: certificate.stringValue,
    defaultAction: forward,
  })
  return {
    loadBalancer,
    targetGroup,
    listeners: [http, https],
    taskNetwork: { subnets: privateSubnets.listValue, securityGroups: [tasksGroup.id], assignPublicIp: assignPublicIp.booleanValue as unknown as boolean },
    containerPort: CONTAINER_PORT,
  }
}
