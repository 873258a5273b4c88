/**
 * The test suite's fake TMDB in a process of its own, for the cold burst: in the bench's process it
 * would share one event loop with the 1,000 client sockets and answer late for reasons of ours.
 * Prints `{"url": "http://127.0.0.1:<port>/3"}` once listening; stops on SIGTERM.
 */
import { startFakeTmdb } from '../../../test/support/fake-tmdb'

const tmdb = await startFakeTmdb()
console.log(JSON.stringify({ url: tmdb.url }))
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void tmdb.stop().then(() => process.exit(0)))
