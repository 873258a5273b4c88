import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '../../scripts/lib/processes'

/**
 * A newcomer's first `npm start`: within two minutes the library holds the three sample videos, ready, and the
 * films say so. About 100 CPU-seconds (three generations and transcodes), so not in `npm test`:
 * `SAMPLE_VIDEOS_TEST=1 npx vitest run --project ops test/ops/sample-videos.test.ts`.
 */
const ROOT = resolve(import.meta.dirname ?? '.', '../..')
// Made only when the test runs (it is skipped unless asked for): a skipped file's afterAll never runs to remove it.
let dir = ''
let child: ChildProcess | undefined

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child!.once('exit', done))
    child.kill('SIGTERM')
    await exited
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
})

interface Video {
  movie_id: number
  label: string | null
  status: string
}

describe.runIf(process.env.SAMPLE_VIDEOS_TEST === '1')('sample videos on a first npm start', () => {
  it('should list three ready sample videos within two minutes, and the films report them', { timeout: 180_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'flixpeek-samples-'))
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const started = Date.now()
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), DATA_DIR: join(dir, 'data'), DEV_VARS_PATH: join(dir, '.dev.vars'), SAMPLE_VIDEOS: 'on', TMDB_API_KEY: '', TMDB_READ_TOKEN: '' },
      stdio: 'ignore',
    })
    const operatorFile = join(dir, 'data', 'samples', 'operator.json')
    let ready: Video[] = []
    while (Date.now() - started < 120_000) {
      await new Promise((resolve) => setTimeout(resolve, 2000))
      if (!existsSync(operatorFile)) continue
      const { email, password, verified } = JSON.parse(readFileSync(operatorFile, 'utf8')) as { email: string; password: string; verified: boolean }
      if (!verified) continue
      const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) })
      if (login.status !== 200) continue
      const { token } = (await login.json()) as { token: string }
      const list = await fetch(`${url}/api/v1/admin/videos`, { headers: { Authorization: `Bearer ${token}` } })
      ready = ((await list.json()) as { results: Video[] }).results.filter((video) => video.label === 'Sample video' && video.status === 'ready')
      if (ready.length === 3) break
    }
    expect(ready).toHaveLength(3)
    const popular = ((await (await fetch(`${url}/api/v1/movies/popular`)).json()) as { results: { id: number }[] }).results.slice(0, 3).map((film) => film.id)
    expect(ready.map((video) => video.movie_id).sort()).toEqual([...popular].sort())
    for (const id of popular) {
      const film = (await (await fetch(`${url}/api/v1/movies/${id}`)).json()) as { video: { ready: boolean } | null }
      expect(film.video).toMatchObject({ ready: true })
    }
  })
})
