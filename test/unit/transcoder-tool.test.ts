import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { progressFrom, runTool, ToolFailedError, ToolTimeoutError } from '../../src/transcoder/tool'

/** Running, as opposed to gone or a zombie nobody reaped yet (a killed process whose parent died with it). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

describe('running ffmpeg and ffprobe (src/transcoder/tool.ts)', () => {
  it('kills the whole process group when a run outlives its budget, not only the tool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flixpeek-tool-'))
    chmodSync(dir, 0o777) // the tools run as nobody when the tests run as root
    const pidFile = join(dir, 'grandchild')
    // The tool starts a child of its own (as ffmpeg may), writes its pid, and both would sleep for a minute.
    const run = runTool({ command: 'sh', args: ['-c', `sleep 60 & echo $! > ${pidFile}; wait`], cwd: tmpdir(), timeoutMs: 300 })
    await expect(run).rejects.toBeInstanceOf(ToolTimeoutError)
    const grandchild = Number(readFileSync(pidFile, 'utf8'))
    await expect.poll(() => alive(grandchild)).toBe(false)
    rmSync(dir, { recursive: true, force: true })
  })

  it('stops a run when the transcoder is stopped, and reports a failing tool with the end of its stderr', async () => {
    const controller = new AbortController()
    const run = runTool({ command: 'sleep', args: ['60'], cwd: tmpdir(), timeoutMs: 60_000, signal: controller.signal })
    controller.abort()
    await expect(run).rejects.toThrow('the transcoder is shutting down')
    const failed = runTool({ command: 'sh', args: ['-c', 'echo "Invalid data found" >&2; exit 1'], cwd: tmpdir(), timeoutMs: 10_000 })
    await expect(failed).rejects.toBeInstanceOf(ToolFailedError)
    await expect(failed).rejects.toThrow('Invalid data found')
  })

  it('gives the tools no secret from the environment', async () => {
    process.env.FLIXPEEK_TOOL_TEST_SECRET = 'do-not-pass'
    try {
      const env = await runTool({ command: 'env', args: [], cwd: tmpdir(), timeoutMs: 10_000, collectStdout: true })
      expect(env).not.toContain('do-not-pass')
      expect(env).toMatch(/^PATH=/m)
    } finally {
      delete process.env.FLIXPEEK_TOOL_TEST_SECRET
    }
  })

  it("reads ffmpeg's -progress lines as the fraction done", () => {
    expect(progressFrom('out_time_us=3000000', 6)).toBe(0.5)
    expect(progressFrom('out_time_ms=6000000', 6)).toBe(1)
    expect(progressFrom('out_time_us=9000000', 6)).toBe(1)
    expect(progressFrom('progress=end', 6)).toBe(1)
    expect(progressFrom('frame=12', 6)).toBeNull()
    expect(progressFrom('out_time_us=100', 0)).toBeNull()
  })
})
