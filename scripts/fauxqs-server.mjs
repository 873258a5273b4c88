// Runs fauxqs (SNS/SQS emulator) in its own process and prints one JSON line with its address
// once it listens, so the parent can use port 0. Stops cleanly on SIGTERM/SIGINT.
import { startFauxqs } from 'fauxqs'

const port = Number(process.env.FAUXQS_PORT ?? 0)
const server = await startFauxqs({ port, logger: false, defaultRegion: process.env.AWS_REGION ?? 'us-east-1' })
process.stdout.write(`${JSON.stringify({ address: server.address, port: server.port })}\n`)

const stop = async () => {
  await server.stop().catch(() => {})
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
