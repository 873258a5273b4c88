import { Fn, Op, TerraformOutput, TerraformVariable, Token } from 'cdktf'
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity'
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition'
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region'
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record'
import { Sesv2ConfigurationSet } from '@cdktf/provider-aws/lib/sesv2-configuration-set'
import { Sesv2EmailIdentity } from '@cdktf/provider-aws/lib/sesv2-email-identity'
import { Sesv2EmailIdentityMailFromAttributes } from '@cdktf/provider-aws/lib/sesv2-email-identity-mail-from-attributes'
import { Construct } from 'constructs'

/** Easy DKIM always publishes three selectors. */
const DKIM_RECORDS = 3

/**
 * The sender domain on SES: a domain identity with Easy DKIM (2048-bit), a custom MAIL FROM
 * subdomain (SPF aligns with the domain, bounces go to SES), and their Route 53 records: three DKIM
 * CNAMEs, the MAIL FROM MX and SPF TXT, and a DMARC TXT. Every value is a Terraform variable; with
 * no `mail_domain` nothing is created (an environment that sends no email yet). Returns the
 * identity's ARN for the worker's `ses:SendEmail` grant (built from the name, so it is known even
 * when the identity is not created). Leaving the SES sandbox: docs/setup.md.
 */
export function addMailIdentity(scope: Construct, region: DataAwsRegion): { identityArn: string } {
  const variable = (name: string, description: string, fallback = '') =>
    new TerraformVariable(scope, name, { type: 'string', default: fallback, description })
  const domain = variable('mail_domain', 'Sender domain of MAIL_FROM, e.g. example.com; empty: no SES identity')
  const zoneId = variable('mail_zone_id', 'Route 53 hosted zone id of the sender domain; empty: no DNS records')
  const mailFrom = variable('mail_from_subdomain', 'Custom MAIL FROM subdomain (bounce domain)', 'bounce')
  const dmarc = variable('mail_dmarc_policy', 'DMARC policy: none while watching reports, then quarantine or reject', 'none')

  // length() >= 1 rather than == "": cdktf renders a falsy literal operand as `undefined` (see dns.ts).
  const isSet = (value: TerraformVariable) => Op.gte(Fn.lengthOf(value.stringValue), 1)
  const identityCount = Token.asNumber(Fn.conditional(isSet(domain), 1, 0))
  const recordCount = Token.asNumber(Fn.conditional(Op.and(isSet(domain), isSet(zoneId)), 1, 0))

  // Every mail from the identity goes through this set: an address that bounced hard or complained is on the
  // suppression list and gets nothing more (audit 3, M3), whatever the account-level setting is.
  const configurationSetName = Fn.format('%s-flixpeek', [Fn.replace(domain.stringValue, '.', '-')])
  const configurationSet = new Sesv2ConfigurationSet(scope, 'mail_configuration_set', {
    count: identityCount,
    configurationSetName,
    suppressionOptions: { suppressedReasons: ['BOUNCE', 'COMPLAINT'] },
  })
  const identity = new Sesv2EmailIdentity(scope, 'mail_identity', {
    count: identityCount,
    emailIdentity: domain.stringValue,
    configurationSetName,
    dependsOn: [configurationSet],
    dkimSigningAttributes: { nextSigningKeyLength: 'RSA_2048_BIT' },
  })
  const mailFromDomain = `${mailFrom.stringValue}.${domain.stringValue}`
  new Sesv2EmailIdentityMailFromAttributes(scope, 'mail_from', {
    count: identityCount,
    emailIdentity: domain.stringValue,
    mailFromDomain,
    behaviorOnMxFailure: 'USE_DEFAULT_VALUE',
    dependsOn: [identity],
  })

  const tokens = Fn.lookupNested(identity, ['0', 'dkim_signing_attributes', '0', 'tokens'])
  for (let i = 0; i < DKIM_RECORDS; i++) {
    const token = Fn.element(tokens, i)
    new Route53Record(scope, `mail_dkim_${i}`, {
      count: recordCount,
      zoneId: zoneId.stringValue,
      name: `${token}._domainkey.${domain.stringValue}`,
      type: 'CNAME',
      ttl: 1800,
      records: [`${token}.dkim.amazonses.com`],
    })
  }
  new Route53Record(scope, 'mail_from_mx', {
    count: recordCount,
    zoneId: zoneId.stringValue,
    name: mailFromDomain,
    type: 'MX',
    ttl: 1800,
    records: [`10 feedback-smtp.${region.region}.amazonses.com`],
  })
  new Route53Record(scope, 'mail_from_spf', {
    count: recordCount,
    zoneId: zoneId.stringValue,
    name: mailFromDomain,
    type: 'TXT',
    ttl: 1800,
    records: ['v=spf1 include:amazonses.com ~all'],
  })
  new Route53Record(scope, 'mail_dmarc', {
    count: recordCount,
    zoneId: zoneId.stringValue,
    name: `_dmarc.${domain.stringValue}`,
    type: 'TXT',
    ttl: 1800,
    records: [`v=DMARC1; p=${dmarc.stringValue}; adkim=s; aspf=r`],
  })

  // Partition, region and account come from the credentials at deploy time, never from this code.
  const account = new DataAwsCallerIdentity(scope, 'caller')
  const partition = new DataAwsPartition(scope, 'partition')
  const identityArn = `arn:${partition.partition}:ses:${region.region}:${account.accountId}:identity/${domain.stringValue}`
  new TerraformOutput(scope, 'mail_identity_arn', { value: identityArn, description: 'The SES identity the worker may send as' })
  return { identityArn }
}
