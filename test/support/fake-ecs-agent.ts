import { createServer } from 'node:http'

/**
 * The ECS agent's task protection endpoint as the agent answers it (`PUT /task-protection/v1/state` →
 * `{"protection":{…}}`, or `{"failure":{…}}` when ECS refuses): the boundary a Fargate task reaches through
 * ECS_AGENT_URI, which no machine here runs. Records every request body and the protection state.
 */
export async function fakeEcsAgent(options: { refuse?: string } = {}) {
  const requests: Record<string, unknown>[] = []
  const state = { enabled: false }
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      if (request.method !== 'PUT' || !/^\/api\/[^/]+\/task-protection\/v1\/state$/.test(request.url ?? '')) return void response.writeHead(404).end()
      const parsed = JSON.parse(body) as { ProtectionEnabled: boolean; ExpiresInMinutes?: number }
      requests.push(parsed)
      response.setHeader('content-type', 'application/json')
      if (options.refuse) return void response.end(JSON.stringify({ failure: { Arn: 'arn:aws:ecs:us-east-1:000000000000:task/cluster/0', Reason: options.refuse } }))
      state.enabled = parsed.ProtectionEnabled
      response.end(JSON.stringify({ protection: { ProtectionEnabled: parsed.ProtectionEnabled, TaskArn: 'arn:aws:ecs:us-east-1:000000000000:task/cluster/0' } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/api/0`,
    requests,
    get enabled() {
      return state.enabled
    },
    close: () => server.close(),
  }
}
