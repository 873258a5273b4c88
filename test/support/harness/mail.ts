import { env } from '@test/runtime'

/** An email as the local SES server (aws-ses-v2-local) keeps it: GET /store. */
export interface StoredEmail {
  messageId: string
  from: string
  destination: { to: string[] }
  subject: string
  body: { text?: string; html?: string }
  at: number
}

const inboxUrl = () => env.SES_INBOX_URL!

/** Every email the local SES server received for `to` (tests use unique addresses, so no clearing is needed). */
export async function mailTo(to: string): Promise<StoredEmail[]> {
  const res = await fetch(`${inboxUrl()}/store`)
  const { emails } = (await res.json()) as { emails: StoredEmail[] }
  return emails.filter((email) => email.destination.to.some((address) => address.toLowerCase() === to.toLowerCase()))
}

/** Waits (bounded) until `to` has an email whose subject matches; returns all of those. */
export async function waitForMail(to: string, subject: RegExp, attempts = 50): Promise<StoredEmail[]> {
  for (let i = 0; i < attempts; i++) {
    const found = (await mailTo(to)).filter((email) => subject.test(email.subject))
    if (found.length > 0) return found
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`no email matching ${subject} reached ${to}`)
}

/** The link to `path` (e.g. /verify) in an email's text part. */
export function linkIn(email: StoredEmail, path: string): URL {
  const match = new RegExp(`https?://[^\\s]+${path}\\?[^\\s]+`).exec(email.body.text ?? '')
  if (!match) throw new Error(`no ${path} link in "${email.subject}"`)
  return new URL(match[0])
}

export const tokenIn = (email: StoredEmail, path: string) => linkIn(email, path).searchParams.get('token')!
