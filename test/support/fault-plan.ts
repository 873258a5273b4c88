/** What test/support/fault-proxy.ts can be told to do (no Node imports: the app and workerd tests use these types). */
export type Fault =
  | 'pass'
  | 'refuse' // the connection is reset before any answer
  | 'blackhole' // never answers (until healed)
  | 'drop' // forwards, then cuts the answer off mid-body (the write may have happened)
  | 'throughput' // 400 ProvisionedThroughputExceededException (SNS, SQS: their throttling error)
  | 'throttling' // 400 ThrottlingException (SNS: Throttling)
  | 'error500' // 500 InternalServerError (SNS, SQS: InternalFailure)
  | { delayMs: number }

export interface FaultPlan {
  /** Faults for the next requests, in order; then `random`, then pass. */
  next?: Fault[]
  /** Each later request fails with probability `p`, with one of `faults`, drawn from a generator seeded with `seed`. */
  random?: { p: number; faults: Fault[]; seed: number }
  /**
   * Only requests for these operations (DynamoDB `PutItem`, SQS `DeleteMessageBatch`, SNS `Publish`…) take faults;
   * the others pass untouched and leave `next` as it is. Unset: every request.
   */
  only?: string[]
}

