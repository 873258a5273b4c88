import { ConfigError, parseConfig, type Config } from '../config'

/**
 * The transcoder's configuration: the app's schema (AWS endpoints, region, table, topic, media store, the
 * production checks on AWS credentials and MEDIA_WRITE_SECRET) without the app's own secrets. Sessions, password
 * hashing and TMDB are not the transcoder's business, so its deployments (the Fargate task, the Kubernetes
 * Deployment) carry none of JWT_SECRET, PASSWORD_PEPPER or a TMDB credential, only what it uses.
 */
export function transcoderConfig(vars: Record<string, string | undefined>): Config {
  const strings = Object.fromEntries(Object.entries(vars).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''))
  const problems: string[] = []
  if (!strings.TRANSCODE_QUEUE_URL) problems.push('TRANSCODE_QUEUE_URL is not set: the transcoder reads its jobs from that queue')
  if (strings.ENVIRONMENT === 'production') {
    if (!strings.SNS_TOPIC_ARN) problems.push('SNS_TOPIC_ARN is required in production (the transcoder announces finished videos)')
    if (strings.TRANSCODER_MEDIA_URL && !strings.MEDIA_WRITE_SECRET) {
      problems.push('MEDIA_WRITE_SECRET is required in production when TRANSCODER_MEDIA_URL names the app (the same value as the app\'s)')
    }
    if (!strings.TRANSCODER_MEDIA_URL && !strings.MEDIA_S3_BUCKET && !strings.MEDIA_DIR) {
      problems.push('TRANSCODER_MEDIA_URL (the app that keeps the media), MEDIA_S3_BUCKET or MEDIA_DIR is required in production')
    }
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`)
  // Stand-ins for what the app's schema requires in production and the transcoder never reads: random per
  // process, so they cannot be mistaken for (or leak) a real secret.
  const unused = () => `transcoder-unused-${crypto.randomUUID()}`
  return parseConfig({
    ...strings,
    JWT_SECRET: unused(),
    PASSWORD_PEPPER: unused(),
    TMDB_API_KEY: unused(),
    PUBLIC_URL: strings.PUBLIC_URL ?? 'https://transcoder.invalid',
    SQS_QUEUE_URL: strings.SQS_QUEUE_URL ?? strings.TRANSCODE_QUEUE_URL,
  })
}
