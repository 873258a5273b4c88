/**
 * ECS task scale-in protection while a job runs: the service scales on the queue's messages, and when the count
 * drops (another job finished) ECS must stop an idle task, never the one halfway through a film. The ECS agent's
 * endpoint (`$ECS_AGENT_URI/task-protection/v1/state`, on Fargate and EC2 alike) sets it with the task role's
 * `ecs:UpdateTaskProtection`. Elsewhere (Kubernetes, npm start) there is nothing to protect: the no-op.
 */
export interface TaskProtection {
  /** Protects the task for `minutes` from now (renewed while the job runs; expires by itself if the process dies). */
  protect(minutes: number): Promise<void>
  /** Lets scale-in take the task again. */
  release(): Promise<void>
}

export const noTaskProtection: TaskProtection = { protect: async () => {}, release: async () => {} }

/** The agent's answer: `protection` when it took, `failure` or `error` when ECS refused (e.g. a missing grant). */
interface AgentAnswer {
  protection?: { ProtectionEnabled?: boolean }
  failure?: { Reason?: string; Detail?: string }
  error?: { Code?: string; Message?: string }
}

/**
 * Calls go out one at a time, in order: a release racing the next job's protect must never land last. A refusal
 * is logged, never thrown: the job goes on (unprotected, it may be interrupted and run again on its next delivery).
 */
export function ecsTaskProtection(agentUri: string, log: (line: string) => void, fetcher: typeof fetch = fetch): TaskProtection {
  let chain: Promise<void> = Promise.resolve()
  const put = (enabled: boolean, minutes?: number) => {
    const call = async () => {
      try {
        const response = await fetcher(`${agentUri.replace(/\/+$/, '')}/task-protection/v1/state`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(enabled ? { ProtectionEnabled: true, ExpiresInMinutes: minutes } : { ProtectionEnabled: false }),
          signal: AbortSignal.timeout(10_000),
        })
        const answer = (await response.json().catch(() => ({}))) as AgentAnswer
        if (!response.ok || !answer.protection) {
          const why = answer.failure?.Reason ?? answer.error?.Code ?? `HTTP ${response.status}`
          log(`transcoder: task protection not ${enabled ? 'set' : 'cleared'} (${why})`)
        }
      } catch (error) {
        log(`transcoder: task protection not ${enabled ? 'set' : 'cleared'} (${error instanceof Error ? error.message : String(error)})`)
      }
    }
    chain = chain.then(call)
    return chain
  }
  return { protect: (minutes) => put(true, minutes), release: () => put(false) }
}

/** ECS sets ECS_AGENT_URI in every task's containers; its absence means not on ECS. */
export const taskProtectionFromEnv = (env: Record<string, string | undefined>, log: (line: string) => void): TaskProtection =>
  env.ECS_AGENT_URI ? ecsTaskProtection(env.ECS_AGENT_URI, log) : noTaskProtection
