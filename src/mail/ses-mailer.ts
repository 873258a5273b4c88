import { createTranslator } from '../i18n/translator'
import { DEFAULT_LOCALE, isRegisteredLocale } from '../i18n/locales'
import type { Mailer } from './mailer'
import { renderEmail } from './templates'

/** The part of the SES adapter (src/aws/ses.ts) the mailer needs. */
export interface EmailTransport {
  sendEmail(email: { from: string; to: string; subject: string; text: string; html: string; headers?: Record<string, string> }): Promise<string>
}

/**
 * The Mailer over SES v2 SendEmail: renders the template in the recipient's language (English
 * while it is the only one registered) and sends it. Retries on throttling, 5xx and network errors
 * happen in the signed client; a send that still fails throws, and the caller's marker is released.
 */
export function sesMailer(options: { ses: EmailTransport; from: string }): Mailer {
  return {
    async send(message) {
      const t = createTranslator(isRegisteredLocale(message.locale) ? message.locale : DEFAULT_LOCALE)
      const email = renderEmail(message, t)
      await options.ses.sendEmail({ from: options.from, to: message.to, ...email })
    },
  }
}
