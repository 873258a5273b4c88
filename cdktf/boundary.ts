import { Fn, Op, TerraformVariable, Token } from 'cdktf'
import { Construct } from 'constructs'

/**
 * The permissions boundary every IAM principal a stack creates carries (its worker user, its task roles), when the
 * deploy role may only create bounded principals (docs/setup.md §4.3): the Terraform variable
 * `permissions_boundary_arn`, empty by default (no boundary). Returns the value for `permissionsBoundary`.
 */
export function permissionsBoundary(scope: Construct): string {
  const arn = new TerraformVariable(scope, 'permissions_boundary_arn', {
    type: 'string',
    default: '',
    description: 'ARN of the policy to set as the permissions boundary of every IAM user and role this stack creates; empty: none',
  })
  // (An empty string would be dropped from the expression: compare the length with 1.)
  return Token.asString(Fn.conditional(Op.gte(Fn.lengthOf(arn.stringValue), 1), arn.stringValue, Token.nullValue()))
}
