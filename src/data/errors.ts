/** An error answered by an AWS service (or a transport failure talking to it). */
export class AwsError extends Error {
  override name = 'AwsError'
  /** The AWS error type without its namespace, e.g. `ValidationException`; `NetworkError` for transport failures. */
  readonly type: string
  /** HTTP status of the answer; 0 when no answer arrived. */
  readonly status: number

  constructor(type: string, status: number, message: string, options?: { cause?: unknown }) {
    super(`${type}: ${message}`, options)
    this.type = type
    this.status = status
  }
}

/** A ConditionExpression on a single-item write did not hold. */
export class ConditionalCheckFailedError extends AwsError {
  override name = 'ConditionalCheckFailedError'
}

/** A TransactWriteItems was cancelled; `reasons[i]` is the code for item i (`None` when that item was fine). */
export class TransactionCanceledError extends AwsError {
  override name = 'TransactionCanceledError'
  readonly reasons: string[]

  constructor(status: number, message: string, reasons: string[]) {
    super('TransactionCanceledException', status, message)
    this.reasons = reasons
  }

  /** True when at least one item failed its condition (as opposed to a conflict or throttling). */
  get conditionFailed(): boolean {
    return this.reasons.includes('ConditionalCheckFailed')
  }

  /** True when item `index` of the transaction failed its condition. */
  conditionFailedAt(index: number): boolean {
    return this.reasons[index] === 'ConditionalCheckFailed'
  }
}

/** The service kept throttling after the bounded retries. */
export class ThrottlingError extends AwsError {
  override name = 'ThrottlingError'
}

const THROTTLING_TYPES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'TransactionInProgressException',
  'LimitExceededException',
  'SlowDown',
])

export function isThrottlingType(type: string): boolean {
  return THROTTLING_TYPES.has(type) || type.endsWith('.RequestThrottled')
}

/** Strips a namespace (`com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`) or a query-error suffix. */
export function shortErrorType(raw: string): string {
  const afterHash = raw.slice(raw.lastIndexOf('#') + 1)
  return afterHash.split(':')[0]!.trim()
}

/** Builds the most specific error class for an AWS error answer. */
export function toAwsError(type: string, status: number, message: string, extra?: { reasons?: string[] }): AwsError {
  if (type === 'ConditionalCheckFailedException') return new ConditionalCheckFailedError(type, status, message)
  if (type === 'TransactionCanceledException') {
    return new TransactionCanceledError(status, message, extra?.reasons ?? reasonsFromMessage(message))
  }
  if (isThrottlingType(type)) return new ThrottlingError(type, status, message)
  return new AwsError(type, status, message)
}

/** DynamoDB puts the codes in the message too: "... cancellation reasons [ConditionalCheckFailed, None]". */
function reasonsFromMessage(message: string): string[] {
  const match = /\[([^\]]*)\]\s*$/.exec(message)
  return match ? match[1]!.split(',').map((code) => code.trim()) : []
}
