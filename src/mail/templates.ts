/**
 * The emails, rendered from the message catalogue in the recipient's language: a subject, a
 * plain-text part and a small HTML part (inline styles, no images, no scripts, no external
 * anything), each saying which product it is from and why the recipient got it.
 */
import type { MessageKey } from '../i18n/catalogue'
import type { Translator } from '../i18n/translator'
import type { MailMessage } from './mailer'

export type MailTemplate = 'verify-email' | 'password-reset' | 'password-changed' | 'email-changed' | 'digest'

export interface RenderedEmail {
  subject: string
  text: string
  html: string
  headers: Record<string, string>
}

/** One line of a digest, already rendered in the reader's language. */
export interface DigestLine {
  title: string
  body: string
}

interface Layout {
  subject: string
  heading?: string
  paragraphs: string[]
  lines?: DigestLine[]
  action: { label: string; url: string }
  after?: string[]
  why: string
  footerLink?: { label: string; url: string }
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)

const str = (value: unknown) => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value))

function layoutFor(message: MailMessage, t: Translator): Layout {
  const product = t('brand.name')
  const p = message.params
  const link = str(p.link)
  const security = (subject: MessageKey, body: MessageKey): Layout => ({
    subject: t(subject, { product }),
    paragraphs: [t(body), t('email.security.notYou')],
    action: { label: t('email.security.action'), url: link },
    why: t('email.security.why', { product }),
  })
  switch (message.template as MailTemplate) {
    case 'verify-email':
      return {
        subject: t('email.verify.subject', { product }),
        paragraphs: [t('email.verify.body', { email: str(p.email) })],
        action: { label: t('email.verify.action'), url: link },
        why: t('email.verify.why', { product }),
      }
    case 'password-reset':
      return {
        subject: t('email.reset.subject', { product }),
        paragraphs: [t('email.reset.body')],
        action: { label: t('email.reset.action'), url: link },
        why: t('email.reset.why', { product }),
      }
    case 'password-changed':
      return security('email.passwordChanged.subject', 'email.passwordChanged.body')
    case 'email-changed':
      return security('email.emailChanged.subject', 'email.emailChanged.body')
    case 'digest': {
      const lines = JSON.parse(str(p.items) || '[]') as DigestLine[]
      const count = lines.length
      return {
        subject: t('email.digest.subject', { product, count }),
        heading: t('email.digest.heading', { product }),
        paragraphs: [t('email.digest.intro', { count })],
        lines,
        action: { label: t('email.digest.action'), url: link },
        why: t('email.digest.why', { product }),
        footerLink: { label: t('email.digest.unsubscribe'), url: str(p.unsubscribe_url) },
      }
    }
    default:
      throw new Error(`unknown mail template ${message.template}`)
  }
}

function text(layout: Layout, greeting: string, signature: string): string {
  const out = [greeting, '', ...layout.paragraphs.flatMap((paragraph) => [paragraph, ''])]
  for (const line of layout.lines ?? []) out.push(`- ${line.title}`, line.body ? `  ${line.body}` : '', '')
  out.push(`${layout.action.label}: ${layout.action.url}`, '', signature, '', '--', layout.why)
  if (layout.footerLink) out.push(`${layout.footerLink.label}: ${layout.footerLink.url}`)
  return out.filter((line, i, all) => !(line === '' && all[i - 1] === '')).join('\n')
}

function html(layout: Layout, lang: string, dir: string, greeting: string, signature: string, fallback: string): string {
  const e = escapeHtml
  const paragraphs = layout.paragraphs.map((paragraph) => `<p style="margin:0 0 16px">${e(paragraph)}</p>`).join('')
  const lines = (layout.lines ?? [])
    .map((line) => `<li style="margin:0 0 12px"><strong>${e(line.title)}</strong>${line.body ? `<br>${e(line.body)}` : ''}</li>`)
    .join('')
  const footerLink = layout.footerLink ? `<br><a href="${e(layout.footerLink.url)}" style="color:#9a9a9a">${e(layout.footerLink.label)}</a>` : ''
  return `<!doctype html><html lang="${e(lang)}" dir="${e(dir)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${e(layout.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f4f4f4;font-family:Arial,Helvetica,sans-serif;color:#1f1f1f;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<p style="margin:0 0 24px;font-size:22px;font-weight:bold;color:#e50914">${e(layout.heading ?? layout.subject)}</p>
<p style="margin:0 0 16px">${e(greeting)}</p>${paragraphs}${lines ? `<ul style="padding-inline-start:20px;margin:0 0 16px">${lines}</ul>` : ''}
<p style="margin:24px 0"><a href="${e(layout.action.url)}" style="display:inline-block;background:#e50914;color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 20px;border-radius:4px">${e(layout.action.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#5f5f5f">${e(fallback)}<br><a href="${e(layout.action.url)}" style="color:#5f5f5f;word-break:break-all">${e(layout.action.url)}</a></p>
<p style="margin:0">${e(signature)}</p>
</div>
<p style="max-width:560px;margin:16px auto 0;font-size:12px;color:#7a7a7a">${e(layout.why)}${footerLink}</p>
</body></html>`
}

/** Renders a message; a digest also gets the one-click unsubscribe headers (RFC 2369, RFC 8058). */
export function renderEmail(message: MailMessage, t: Translator): RenderedEmail {
  const layout = layoutFor(message, t)
  const product = t('brand.name')
  const name = str(message.params.name)
  const greeting = name ? t('email.greeting', { name }) : t('email.greetingNeutral')
  const signature = t('email.signature', { product })
  const fallback = t('email.linkFallback')
  const headers: Record<string, string> = {}
  if (layout.footerLink?.url) {
    headers['List-Unsubscribe'] = `<${layout.footerLink.url}>`
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click'
  }
  return {
    subject: layout.subject,
    text: text(layout, greeting, signature),
    html: html(layout, t.locale, t.dir, greeting, signature, fallback),
    headers,
  }
}
