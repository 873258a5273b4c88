/**
 * `npm run transcoder`: the transcoding worker (src/transcoder/main.ts) with this process's environment. `npm start`
 * and `npm run start:node` start it beside the app with their own values; SIGTERM or Ctrl-C stop the running job
 * (its ffmpeg killed, its scratch folder removed) and exit.
 */
import { startTranscoder } from '../../transcoder/main'

try {
  const transcoder = startTranscoder(process.env)
  const stop = () => void transcoder.stop().then(() => process.exit(0))
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  // Said once the signals are handled: whoever waits for this line may stop the transcoder right away.
  console.log('Transcoder: waiting for uploaded videos')
  await transcoder.done
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(1)
}
