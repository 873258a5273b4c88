import { readFile } from 'node:fs/promises'
import { credentialsFromEnvironment, type CredentialsSource } from '../../aws/credentials'
import { S3MediaStore } from '../../aws/s3'
import type { Config } from '../../config'
import type { MediaStore } from '../../media/store'
import { diskMediaStore } from './disk-media'

/*
 * What a Node process needs to reach AWS and the media: shared by the app (platform.ts) and the transcoder
 * (src/transcoder/main.ts), which imports this file alone and none of the app's runtime.
 */

/**
 * Which credentials AWS calls sign with: undefined (config's static keys) when AWS_ACCESS_KEY_ID is set,
 * else the ECS container endpoint (the task role) when ECS's variables are present, else web identity
 * (EKS IRSA) when AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are. STS_ENDPOINT overrides the regional STS.
 */
export function nodeAwsCredentials(vars: Record<string, string>, config: Config): CredentialsSource | undefined {
  return credentialsFromEnvironment(vars, {
    region: config.AWS_REGION,
    readFile: (path) => readFile(path, 'utf8'),
    ...(vars.STS_ENDPOINT ? { stsEndpoint: vars.STS_ENDPOINT } : {}),
    onRefreshError: (error) =>
      console.warn(`AWS credentials refresh failed, the current ones are served until they expire: ${error instanceof Error ? error.message : 'unknown error'}`),
  })
}

/**
 * Media in S3 when MEDIA_S3_BUCKET is set (signed like DynamoDB: the same keys, task role or IRSA), else in the
 * directory MEDIA_DIR names (default `.data/media` under the working directory).
 */
export function nodeMediaStore(config: Config, awsCredentials: CredentialsSource | undefined): MediaStore {
  if (config.MEDIA_S3_BUCKET) {
    return S3MediaStore.fromConfig({ ...config, MEDIA_S3_BUCKET: config.MEDIA_S3_BUCKET }, awsCredentials ? { credentials: awsCredentials } : {})
  }
  return diskMediaStore(config.MEDIA_DIR, config.MEDIA_PART_SIZE)
}
