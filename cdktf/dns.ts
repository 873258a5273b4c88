import { Fn, Op, TerraformOutput, TerraformVariable, Token } from 'cdktf'
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record'
import { Construct } from 'constructs'

/**
 * The app's hostname in a Route 53 zone, served by the Cloudflare worker through Cloudflare for SaaS:
 * a CNAME from the hostname to the SaaS zone's CNAME target, the custom hostname's ownership TXT
 * record (`_cf-custom-hostname.<host>`), and, when Cloudflare asks for TXT certificate validation,
 * the `_acme-challenge.<host>` TXT record. Every value is a Terraform variable; with no zone id,
 * no record is created (an environment without a domain yet). See docs/setup.md.
 */
export function addAppHostnameRecords(scope: Construct): void {
  const variable = (name: string, description: string) =>
    new TerraformVariable(scope, name, { type: 'string', default: '', description })
  const zoneId = variable('route53_zone_id', 'Route 53 hosted zone id of the app domain; empty: no DNS records')
  const hostname = variable('app_hostname', 'The app hostname in that zone, e.g. movies.example.com (not the zone apex)')
  const target = variable('cloudflare_cname_target', 'Cloudflare for SaaS CNAME target, e.g. customers.example-saas.com')
  const ownership = variable('cloudflare_ownership_txt', 'Custom hostname ownership TXT value (_cf-custom-hostname)')
  const certificate = variable('cloudflare_dcv_txt', 'Certificate validation TXT value (_acme-challenge); empty: none')

  // length() >= 1 rather than == "" or > 0: cdktf renders a falsy literal operand ("" or 0) as `undefined`.
  const isSet = (value: TerraformVariable) => Op.gte(Fn.lengthOf(value.stringValue), 1)
  const whenSet = (value: TerraformVariable) => Token.asNumber(Fn.conditional(isSet(value), 1, 0))
  const whenBothSet = (value: TerraformVariable) =>
    Token.asNumber(Fn.conditional(Op.and(isSet(zoneId), isSet(value)), 1, 0))

  new Route53Record(scope, 'app_cname', {
    count: whenSet(zoneId),
    zoneId: zoneId.stringValue,
    name: hostname.stringValue,
    type: 'CNAME',
    ttl: 300,
    records: [target.stringValue],
  })
  new Route53Record(scope, 'app_ownership_txt', {
    count: whenBothSet(ownership),
    zoneId: zoneId.stringValue,
    name: `_cf-custom-hostname.${hostname.stringValue}`,
    type: 'TXT',
    ttl: 300,
    records: [ownership.stringValue],
  })
  new Route53Record(scope, 'app_certificate_txt', {
    count: whenBothSet(certificate),
    zoneId: zoneId.stringValue,
    name: `_acme-challenge.${hostname.stringValue}`,
    type: 'TXT',
    ttl: 300,
    records: [certificate.stringValue],
  })
  new TerraformOutput(scope, 'hostname', { value: hostname.stringValue, description: 'The app hostname (empty without DNS)' })
}
