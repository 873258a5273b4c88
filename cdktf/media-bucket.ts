import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket'
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration'
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls'
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block'
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration'
import { Construct } from 'constructs'

/** Days after which S3 aborts a multipart upload nobody completed (an abandoned upload, a transcoder killed mid-write). */
export const ABORT_INCOMPLETE_UPLOADS_DAYS = 7

/**
 * The Node runtime's media bucket (MEDIA_S3_BUCKET): video sources and their HLS renditions. Private (every public
 * access path blocked, ACLs off), encrypted at rest, and parts of unfinished multipart uploads (which S3 bills
 * and lists nowhere) aborted after 7 days. `force_destroy` stays off: destroying the stack never empties it.
 */
export function addMediaBucket(scope: Construct, name: string): S3Bucket {
  const bucket = new S3Bucket(scope, 'media_bucket', { bucket: name })
  new S3BucketPublicAccessBlock(scope, 'media_bucket_private', {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  })
  new S3BucketOwnershipControls(scope, 'media_bucket_ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } })
  new S3BucketServerSideEncryptionConfigurationA(scope, 'media_bucket_encryption', {
    bucket: bucket.id,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
  })
  new S3BucketLifecycleConfiguration(scope, 'media_bucket_lifecycle', {
    bucket: bucket.id,
    rule: [{ id: 'abort-incomplete-uploads', status: 'Enabled', filter: [{ prefix: '' }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOADS_DAYS }] }],
  })
  return bucket
}
