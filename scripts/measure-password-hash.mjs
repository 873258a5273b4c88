// Measures the CPU cost of one password hash inside workerd (the runtime Workers use), for
// docs/passwords.md: Argon2id (19 MiB, t=2, p=1) from @phi-ag/argon2's .wasm imported as a module,
// and WebCrypto PBKDF2-SHA256 at 100,000 iterations, both after the HMAC-SHA256 pepper.
// performance.now() gives wall time on a shared machine (and on Cloudflare only advances on I/O), so CPU time is read from the workerd process
// (/proc/<pid>/stat, Linux) around a request that hashes N times.
// Usage: node scripts/measure-password-hash.mjs [N=50]
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Miniflare } from 'miniflare'

const require = createRequire(import.meta.url)
const N = Number(process.argv[2] ?? 50)
const WORKER = `
import Argon2, { Argon2Type } from './argon2.js'
import wasm from './argon2.wasm'
const enc = new TextEncoder()
let argon2
async function peppered(password) {
  const key = await crypto.subtle.importKey('raw', enc.encode('pepper'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(password)))
}
async function pbkdf2(iterations) {
  const base = await crypto.subtle.importKey('raw', await peppered('correct horse battery'), 'PBKDF2', false, ['deriveBits'])
  return crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: crypto.getRandomValues(new Uint8Array(16)), iterations }, base, 256)
}
async function argon() {
  argon2 ??= new Argon2(await WebAssembly.instantiate(wasm))
  const secret = btoa(String.fromCharCode(...(await peppered('correct horse battery'))))
  return argon2.hash(secret, { salt: crypto.getRandomValues(new Uint8Array(16)), type: Argon2Type.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1, hashLength: 32 })
}
export default {
  async fetch(req) {
    const url = new URL(req.url)
    const n = Number(url.searchParams.get('n') ?? 1)
    if (url.pathname === '/cap') {
      const out = {}
      for (const it of [100000, 100001]) {
        try { await pbkdf2(it); out['pbkdf2_' + it] = 'ok' } catch (e) { out['pbkdf2_' + it] = e.name + ': ' + e.message }
      }
      try { await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); out.runtime_wasm_compile = 'ok' } catch (e) { out.runtime_wasm_compile = e.name + ': ' + e.message }
      const t = performance.now(); await argon(); out.performance_now_delta_ms = performance.now() - t
      return Response.json(out)
    }
    for (let i = 0; i < n; i++) url.pathname === '/argon2' ? await argon() : await pbkdf2(100000)
    return new Response('ok')
  },
}`

const pkg = require.resolve('@phi-ag/argon2').replace(/index\.js$/, '')
const root = `${process.cwd()}/password-probe` // module paths must sit under the working directory
const mf = new Miniflare({
  compatibilityDate: '2026-04-26',
  modules: [
    { type: 'ESModule', path: `${root}/worker.js`, contents: WORKER },
    { type: 'ESModule', path: `${root}/argon2.js`, contents: readFileSync(`${pkg}index.js`, 'utf8') },
    { type: 'CompiledWasm', path: `${root}/argon2.wasm`, contents: readFileSync(`${pkg}argon2.wasm`) },
  ],
})
await mf.ready
const pid = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)])
  .toString()
  .trim()
  .split(/\s+/)
  .find((p) => readFileSync(`/proc/${p}/comm`, 'utf8').includes('workerd'))
const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString())
const cpuMs = () => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks
}
const perHash = async (path) => {
  await (await mf.dispatchFetch(`http://probe${path}?n=1`)).text()
  const before = cpuMs()
  await (await mf.dispatchFetch(`http://probe${path}?n=${N}`)).text()
  return Math.round(((cpuMs() - before) / N) * 10) / 10
}
try {
  const cap = await (await mf.dispatchFetch('http://probe/cap')).json()
  const result = { hashes: N, argon2id_19MiB_t2_p1_cpu_ms: await perHash('/argon2'), pbkdf2_sha256_100k_cpu_ms: await perHash('/pbkdf2'), ...cap }
  console.log(JSON.stringify(result, null, 2))
} finally {
  await mf.dispose()
}
