/**
 * The weekly digest's subscriber list: DIGEST#<shard> / USER#<id>, one item per opted-in user,
 * so the weekly cron reads a few partitions (one Query each) instead of scanning every profile.
 */
export const DIGEST_SHARDS = 4
export const digestPk = (shard: number) => `DIGEST#${shard}`

export function digestShardOf(userId: string): number {
  let hash = 0
  for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) >>> 0
  return hash % DIGEST_SHARDS
}

export const digestKey = (userId: string) => ({ pk: digestPk(digestShardOf(userId)), sk: `USER#${userId}` })
