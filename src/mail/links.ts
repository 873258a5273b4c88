/** Every link an email carries, built from PUBLIC_URL (the request's origin only in development without one). */
export interface MailLinks {
  verify(token: string): string
  reset(token: string): string
  forgot(): string
  notifications(): string
  unsubscribe(userId: string, signature: string): string
}

/** Where `npm start` serves when nothing else is known (a cron run in development without PUBLIC_URL). */
export const DEVELOPMENT_ORIGIN = 'http://127.0.0.1:8787'

export function mailLinks(base: string): MailLinks {
  const origin = base.replace(/\/+$/, '')
  const withQuery = (path: string, query: Record<string, string>) => `${origin}${path}?${new URLSearchParams(query).toString()}`
  return {
    verify: (token) => withQuery('/verify', { token }),
    reset: (token) => withQuery('/reset', { token }),
    forgot: () => `${origin}/forgot`,
    notifications: () => `${origin}/notifications`,
    unsubscribe: (userId, signature) => withQuery('/unsubscribe', { u: userId, s: signature }),
  }
}
