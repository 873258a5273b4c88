import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { planLadder } from '../../src/transcoder/ladder'
import type { SourceProbe } from '../../src/transcoder/probe'
import { estimateOutputBytes, parseSize, scratchShortfall, scratchSpace } from '../../src/transcoder/scratch'
import { ecsTaskProtection } from '../../src/transcoder/task-protection'
import { fakeEcsAgent } from '../support/fake-ecs-agent'

const film = (seconds: number, height = 1080): SourceProbe => ({
  container: 'mov,mp4,m4a,3gp,3g2,mj2',
  duration: seconds,
  size: 1,
  video: [{ index: 0, codec: 'h264', width: Math.round((height * 16) / 9), height, fps: 24 }],
  audio: [{ index: 1, codec: 'aac', channels: 2, lang: 'en' }],
  subtitles: [],
})

describe('scratch space', () => {
  it('reads sizes as Kubernetes quantities or bytes, and refuses anything else', () => {
    expect(parseSize('100Gi')).toBe(100 * 2 ** 30)
    expect(parseSize('50G')).toBe(50e9)
    expect(parseSize('512Mi')).toBe(512 * 2 ** 20)
    expect(parseSize('1048576')).toBe(1048576)
    for (const bad of ['', '0', '-5Gi', '1.5Gi', '100GB', 'lots']) expect(() => parseSize(bad), bad).toThrow(/TRANSCODE_SCRATCH_SIZE/)
  })

  it('offers what the file system has free, bounded by TRANSCODE_SCRATCH_SIZE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flixpeek-scratch-'))
    try {
      const free = scratchSpace(dir).available()
      expect(free).toBeGreaterThan(1e6)
      expect(scratchSpace(dir, '1Mi').available()).toBe(2 ** 20)
      expect(scratchSpace(dir, '').available()).toBeGreaterThan(2 ** 20)
      expect(() => scratchSpace(dir, '100 gigs')).toThrow(/TRANSCODE_SCRATCH_SIZE/)
    } finally {
      rmSync(dir, { recursive: true })
    }
  })

  it('estimates an hour of 1080p above what `npm run bench:transcode` measured (5.55 GB/h) and not wildly more', () => {
    const hour = estimateOutputBytes(planLadder(film(3600)))
    expect(hour).toBeGreaterThan(5.55e9)
    expect(hour).toBeLessThan(2 * 5.55e9)
    // Fewer rungs for a smaller source, and twice the film twice the bytes.
    expect(estimateOutputBytes(planLadder(film(3600, 480)))).toBeLessThan(hour / 2)
    expect(estimateOutputBytes(planLadder(film(7200)))).toBeCloseTo(2 * hour, -3)
  })

  it('names the sizes when a job would not fit, and nothing when it does', () => {
    expect(scratchShortfall(40e9, 60e9, 100e9)).toBeNull()
    expect(scratchShortfall(40e9, 70e9, 100e9)).toBe('not enough scratch space: the source (40.0 GB) and its renditions (about 70.0 GB) need 110.0 GB, the transcoder has 100.0 GB')
    expect(scratchShortfall(300e6, 0, 120e6)).toBe('not enough scratch space: the source (300 MB) need 300 MB, the transcoder has 120 MB')
  })
})

describe('ECS task protection', () => {
  it('sets and clears protection in the order asked, through the agent endpoint', async () => {
    const agent = await fakeEcsAgent()
    try {
      const protection = ecsTaskProtection(agent.url, () => {})
      void protection.protect(30)
      void protection.release()
      await protection.protect(15)
      expect(agent.requests).toEqual([{ ProtectionEnabled: true, ExpiresInMinutes: 30 }, { ProtectionEnabled: false }, { ProtectionEnabled: true, ExpiresInMinutes: 15 }])
      expect(agent.enabled).toBe(true)
    } finally {
      agent.close()
    }
  })

  it('logs a refusal or an unreachable agent and carries on (the job runs unprotected)', async () => {
    const agent = await fakeEcsAgent({ refuse: 'TASK_NOT_VALID' })
    const lines: string[] = []
    try {
      await expect(ecsTaskProtection(agent.url, (line) => lines.push(line)).protect(30)).resolves.toBeUndefined()
      await ecsTaskProtection('http://127.0.0.1:9/api/0', (line) => lines.push(line)).release()
      expect(lines[0]).toBe('transcoder: task protection not set (TASK_NOT_VALID)')
      expect(lines[1]).toMatch(/^transcoder: task protection not cleared \(/)
    } finally {
      agent.close()
    }
  })
})
