import { SELF } from '@test/runtime'
import { ORIGIN, signUp, type TestUser } from './accounts'
import { linkIn, waitForMail } from './mail'

/**
 * The operators' addresses the tests run with (TEST_BINDINGS.ADMIN_EMAILS): one per test file, so files never race
 * for one account (the app and workerd projects share the local servers).
 */
export const OPERATOR_EMAILS = {
  api: 'operator-api@flixpeek.test',
  pages: 'operator@flixpeek.test',
  internal: 'operator-internal@flixpeek.test',
  workerd: 'operator-workerd@flixpeek.test',
  runtimes: 'operator-runtimes@flixpeek.test',
  erased: 'operator-erased@flixpeek.test',
  cli: 'operator-cli@flixpeek.test',
  transcoder: 'operator-transcoder@flixpeek.test',
  transcoderFaults: 'operator-transcoder-faults@flixpeek.test',
  playback: 'operator-playback@flixpeek.test',
  progress: 'operator-progress@flixpeek.test',
  openapi: 'operator-openapi@flixpeek.test',
  downloads: 'operator-downloads@flixpeek.test',
} as const

/** Signs `email` up and opens the verification link it was sent: ADMIN_EMAILS makes it an operator from then on. */
export async function signUpOperator(email: string): Promise<TestUser> {
  const user = await signUp({ email })
  const [mail] = await waitForMail(email, /confirm your email/i)
  const link = linkIn(mail!, '/verify')
  const verified = await SELF.fetch(`${ORIGIN}${link.pathname}${link.search}`, { redirect: 'manual' })
  if (verified.status >= 400) throw new Error(`verification failed: ${verified.status}`)
  return user
}
