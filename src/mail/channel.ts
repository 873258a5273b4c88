import type { DeliveryChannel } from '../notifications/channels'

/**
 * Email's part in delivering notifications: none, one by one. Emails follow events (src/mail/handler.ts: the
 * verification link, the security notices, the weekly digest), and in-app notifications reach the inbox only in the
 * weekly digest (opt-in, `user.digest_due`). So the channel wants no notification and is off: it never causes a
 * `notification.created`. Mailing a kind on its own would be wanting it here, a template for it (templates.ts) and
 * 'after-commit'.
 */
export const emailChannel: DeliveryChannel = {
  name: 'email',
  timing: 'off',
  wants: () => false,
  deliver: async () => ({ duplicate: false, delivered: 0 }),
}
