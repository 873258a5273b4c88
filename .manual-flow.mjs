// Manual run of the email flows against `npm start` (not committed): screenshots under /work/notes/shots/.
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { chromium } from 'playwright-core'

const SHOTS = '/work/notes/shots'
const freePort = () => new Promise((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)) }) })
const port = await freePort()
const dir = mkdtempSync(join(tmpdir(), 'email-manual-'))
const child = spawn('npm', ['start'], {
  cwd: '/work/wt-email', detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, PORT: String(port), DATA_DIR: join(dir, 'data'), DEV_VARS_PATH: join(dir, '.dev.vars'), LOCAL_SCHEDULER: 'off', WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true' },
})
let out = ''
child.stdout.on('data', (d) => { out += d })
child.stderr.on('data', (d) => { out += d })
const stop = () => { try { process.kill(-child.pid, 'SIGTERM') } catch {} }
try {
  for (let i = 0; i < 240 && !/Email inbox/.test(out); i++) await new Promise((r) => setTimeout(r, 500))
  const inbox = /Email inbox \(local SES\): (\S+)/.exec(out)?.[1]
  console.log(out.split('\n').filter((l) => /Ready on|Email inbox|Scheduler/.test(l)).join('\n'))
  if (!inbox) throw new Error('no inbox line:\n' + out.slice(-2000))
  const base = `http://127.0.0.1:${port}`
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
  const page = await browser.newPage({ viewport: { width: 900, height: 900 } })
  const email = `reader-${Date.now()}@example.com`
  const store = async (subject) => {
    for (let i = 0; i < 50; i++) {
      const { emails } = await (await fetch(`${inbox}store`)).json()
      const found = emails.filter((e) => e.destination.to.includes(email) && subject.test(e.subject))
      if (found.length) return found.at(-1)
      await new Promise((r) => setTimeout(r, 200))
    }
    throw new Error(`no ${subject}`)
  }
  const shotHtml = async (mail, name) => {
    const p = await browser.newPage({ viewport: { width: 700, height: 800 } })
    await p.setContent(mail.body.html)
    await p.screenshot({ path: `${SHOTS}/${name}`, fullPage: true })
    await p.close()
    writeFileSync(`${SHOTS}/${name.replace('.png', '.txt')}`, `Subject: ${mail.subject}\n\n${mail.body.text}`)
  }
  await page.goto(`${base}/signup`)
  await page.fill('input[name=email]', email)
  await page.fill('input[name=password]', 'first passphrase here')
  await page.click('form.auth-form button[type=submit]')
  await page.waitForURL(`${base}/`)
  const oldCookies = await page.context().cookies()
  const verify = await store(/confirm your email/i)
  await shotHtml(verify, 'email-verify.png')
  await page.goto(inbox)
  await page.screenshot({ path: `${SHOTS}/local-ses-inbox.png` })
  const verifyLink = /https?:\/\/\S+\/verify\?\S+/.exec(verify.body.text)[0]
  await page.goto(verifyLink)
  await page.screenshot({ path: `${SHOTS}/page-verified.png` })
  console.log('verify page:', await page.locator('.form-notice').innerText())
  await page.goto(`${base}/profile`)
  await page.check('input[name=notify_digest]')
  await page.click('form.profile-form button[type=submit]')
  await page.screenshot({ path: `${SHOTS}/page-profile.png`, fullPage: true })
  await page.context().clearCookies()
  await page.goto(`${base}/login`)
  await page.click('a[href="/forgot"]')
  await page.fill('input[name=email]', email)
  await page.click('form.auth-form button[type=submit]')
  await page.screenshot({ path: `${SHOTS}/page-forgot-sent.png` })
  const reset = await store(/reset your/i)
  await shotHtml(reset, 'email-reset.png')
  await page.goto(/https?:\/\/\S+\/reset\?\S+/.exec(reset.body.text)[0])
  await page.fill('input[name=password]', 'second passphrase here')
  await page.click('form.auth-form button[type=submit]')
  await page.screenshot({ path: `${SHOTS}/page-reset-done.png` })
  console.log('reset page:', await page.locator('.form-notice').innerText())
  await page.goto(`${base}/login`)
  await page.fill('input[name=email]', email)
  await page.fill('input[name=password]', 'second passphrase here')
  await page.click('form.auth-form button[type=submit]')
  await page.waitForURL(`${base}/`)
  console.log('logged in with the new password')
  const changed = await store(/password was changed/i)
  await shotHtml(changed, 'email-password-changed.png')
  // The old session cookie: /profile sends it to the login page.
  const old = await browser.newContext()
  await old.addCookies(oldCookies)
  const oldPage = await old.newPage()
  await oldPage.goto(`${base}/profile`)
  console.log('old session on /profile lands on:', new URL(oldPage.url()).pathname)
  // The digest: a notification is there (welcome, after a drain), then the weekly cron and a drain.
  await fetch(`${base}/__scheduled?cron=*/5+*+*+*+*`)
  await fetch(`${base}/__scheduled?cron=0+7+*+*+1`)
  await new Promise((r) => setTimeout(r, 1500))
  await fetch(`${base}/__scheduled?cron=*/5+*+*+*+*`)
  const digest = await store(/your week/i).catch(() => null)
  if (digest) {
    await shotHtml(digest, 'email-digest.png')
    const unsub = /https?:\/\/\S+\/unsubscribe\?\S+/.exec(digest.body.text)[0]
    const anon = await (await browser.newContext()).newPage()
    await anon.goto(unsub)
    await anon.click('form.auth-form button[type=submit]')
    await anon.screenshot({ path: `${SHOTS}/page-unsubscribed.png` })
    console.log('unsubscribe page:', await anon.locator('.form-notice').innerText())
  } else console.log('no digest arrived')
  await browser.close()
} finally {
  stop()
  await new Promise((r) => setTimeout(r, 2000))
}
