import { describe, expect, it } from 'vitest'
import { DynamoDb } from '../../src/aws/dynamodb'
import { AwsError, ConditionalCheckFailedError, ThrottlingError } from '../../src/aws/errors'

/** A transport that answers from a script and counts the requests it saw (signed, as AWS would get them). */
function scripted(...answers: (() => Response)[]) {
  const seen: Request[] = []
  const transport = async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push(new Request(input, init))
    const next = answers[Math.min(seen.length - 1, answers.length - 1)]!
    return next()
  }
  const db = new DynamoDb({
    endpoint: 'http://dynamodb.invalid',
    region: 'eu-west-1',
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'secret',
    fetch: transport as typeof fetch,
    baseDelayMs: 1,
  })
  return { db, seen }
}

const awsError = (status: number, type: string, message = 'nope') => () =>
  new Response(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }), {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
  })
const ok = (body: unknown) => () => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/x-amz-json-1.0' } })

describe('AWS request retries', () => {
  it('should sign requests with SigV4 for the configured region and service', async () => {
    const { db, seen } = scripted(ok({}))
    await db.put('t', { pk: 'a' })
    const auth = seen[0]!.headers.get('authorization') ?? ''
    expect(auth).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request/)
    expect(seen[0]!.headers.get('x-amz-target')).toBe('DynamoDB_20120810.PutItem')
  })

  it('should retry throttling and 5xx answers, then succeed', async () => {
    const { db, seen } = scripted(awsError(400, 'ProvisionedThroughputExceededException'), awsError(500, 'InternalServerError'), ok({ Item: { pk: { S: 'a' } } }))
    expect(await db.get('t', { pk: 'a' })).toEqual({ pk: 'a' })
    expect(seen).toHaveLength(3)
  })

  it('should give up after three retries with a ThrottlingError', async () => {
    const { db, seen } = scripted(awsError(400, 'ThrottlingException'))
    await expect(db.get('t', { pk: 'a' })).rejects.toBeInstanceOf(ThrottlingError)
    expect(seen).toHaveLength(4)
  })

  it('should never retry a failed condition or a validation error', async () => {
    const conditional = scripted(awsError(400, 'ConditionalCheckFailedException'))
    await expect(conditional.db.put('t', { pk: 'a' }, { condition: 'attribute_not_exists(pk)' })).rejects.toBeInstanceOf(ConditionalCheckFailedError)
    expect(conditional.seen).toHaveLength(1)
    const invalid = scripted(awsError(400, 'ValidationException', 'bad key'))
    await expect(invalid.db.get('t', { pk: 'a' })).rejects.toMatchObject({ type: 'ValidationException', status: 400, message: 'ValidationException: bad key' })
    expect(invalid.seen).toHaveLength(1)
  })

  it('should retry network failures and report an unreachable endpoint as NetworkError', async () => {
    const { db, seen } = scripted(() => {
      throw new TypeError('connection refused')
    })
    const failure = await db.get('t', { pk: 'a' }).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(AwsError)
    expect(failure).toMatchObject({ type: 'NetworkError', status: 0 })
    expect(seen).toHaveLength(4)
  })

  it('should resend a retried transaction with its client request token, and give the next transaction a new one', async () => {
    const { db, seen } = scripted(() => {
      throw new TypeError('connection reset')
    }, ok({}), ok({}))
    const write = [{ put: { table: 't', item: { pk: 'a' }, condition: 'attribute_not_exists(pk)' } }]
    await db.transactWrite(write)
    await db.transactWrite(write)
    const tokens = await Promise.all(seen.map(async (request) => ((await request.json()) as { ClientRequestToken?: string }).ClientRequestToken))
    expect(tokens[0]).toMatch(/^[\w-]{16,36}$/)
    // The retry is the same transaction to DynamoDB (applied once if the first attempt was); the next call is not.
    expect(tokens[1]).toBe(tokens[0])
    expect(tokens[2]).not.toBe(tokens[0])
  })
})
