import { describe, expect, it, vi } from 'vitest'
import { logMailer, MailerUnavailableError } from '../../src/mail/mailer'

describe('the logging Mailer', () => {
  const message = {
    to: 'Someone.Private@example.com',
    template: 'password-reset',
    params: { link: 'https://flixpeek.example/reset?token=s3cr3t-t0ken-value', token: 's3cr3t-t0ken-value' },
    locale: 'en',
  }

  it('should log the template and a hash of the recipient, never the address, a link or a token', async () => {
    const lines: string[] = []
    await logMailer({ production: false, log: (line) => lines.push(line) }).send(message)
    expect(lines).toHaveLength(1)
    const line = lines[0]!
    expect(line).toContain('password-reset')
    expect(JSON.parse(line)).toEqual({ mail: 'password-reset', locale: 'en', to: expect.stringMatching(/^[0-9a-f]{12}$/) })
    for (const secret of ['someone.private', 'Someone.Private', 'example.com', 's3cr3t', 'https://', 'reset?']) expect(line).not.toContain(secret)
  })

  it('should write nothing to the console itself but that one line', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    await logMailer({ production: false }).send(message)
    expect(log).toHaveBeenCalledTimes(1)
    expect(String(log.mock.calls[0]![0])).not.toMatch(/example\.com|s3cr3t/)
    log.mockRestore()
  })

  it('should refuse to be used in production', async () => {
    await expect(logMailer({ production: true, log: () => {} }).send(message)).rejects.toBeInstanceOf(MailerUnavailableError)
  })
})
