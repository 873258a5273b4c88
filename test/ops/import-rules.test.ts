import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

/**
 * The architecture's import rules (eslint.config.js, docs/architecture.md), checked on deliberately
 * misplaced imports: each case fails if its rule is removed from the config.
 */
const eslint = new ESLint({ cwd: process.cwd() })

async function ruleMessages(filePath: string, code: string, rule: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result!.messages.filter((m) => m.ruleId === rule).map((m) => m.message)
}

async function restrictedMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result!.messages.filter((m) => /no-restricted-imports/.test(m.ruleId ?? '')).map((m) => m.message)
}

describe('import rules', { timeout: 60_000 }, () => {
  it('should keep hono out of a feature service, but allow it in the feature routes and middleware', async () => {
    expect(await restrictedMessages('src/watchlist/service.ts', "import { Hono } from 'hono'\nexport const x = Hono\n")).toEqual([
      expect.stringMatching(/route and middleware modules/),
    ])
    expect(await restrictedMessages('src/watchlist/middleware.ts', "import type { MiddlewareHandler } from 'hono'\nexport type X = MiddlewareHandler\n")).toEqual([])
  })

  it("should refuse a feature reading another feature's keys or store, and allow its own", async () => {
    expect(await restrictedMessages('src/notifications/rules.ts', "import { watchSk } from '../watchlist/keys'\nexport const x = watchSk\n")).toEqual([
      expect.stringMatching(/another feature's keys or store/),
    ])
    expect(await restrictedMessages('src/reviews/service.ts', "import { AccountStore } from '../accounts/store'\nexport const x = AccountStore\n")).toEqual([
      expect.stringMatching(/another feature's keys or store/),
    ])
    expect(await restrictedMessages('src/watchlist/service.ts', "import { watchSk } from './keys'\nexport const x = watchSk\n")).toEqual([])
  })

  it('should let only the composition root and the runtime entries import the AWS adapters', async () => {
    const code = "import { DynamoDb } from '../aws/dynamodb'\nexport const x = DynamoDb\n"
    expect(await restrictedMessages('src/reviews/service.ts', code)).toEqual([expect.stringMatching(/composition root/)])
    expect(await restrictedMessages('src/http/errors.ts', code)).toEqual([expect.stringMatching(/composition root/)])
    expect(await restrictedMessages('src/browse/pages.tsx', code)).toEqual([expect.stringMatching(/composition root/)])
    expect(await restrictedMessages('src/services.ts', "import { DynamoDb } from './aws/dynamodb'\nexport const x = DynamoDb\n")).toEqual([])
    expect(await restrictedMessages('src/main/worker.ts', code)).toEqual([])
  })

  it('should let views import only types from src/', async () => {
    expect(await restrictedMessages('views/pages/X.tsx', "import { REVIEW_TEXT_MAX } from '../../src/reviews/schemas'\nexport const x = REVIEW_TEXT_MAX\n")).toEqual([
      expect.stringMatching(/only types/),
    ])
    expect(await restrictedMessages('views/pages/X.tsx', "import type { Movie } from '../../src/catalog/types'\nexport type X = Movie\n")).toEqual([])
  })

  it("should keep routers in a feature's pages.tsx or api.ts, the app and the runtime entries", async () => {
    const router = "import { Hono } from 'hono'\nexport const routes = new Hono()\n"
    expect(await ruleMessages('src/watchlist/routes.ts', router, 'structure/router-placement')).toEqual([expect.stringMatching(/pages\.tsx .* api\.ts/)])
    expect(await ruleMessages('src/routes/watch.tsx', router, 'structure/router-placement')).toEqual([expect.stringMatching(/pages\.tsx/)])
    // Only inside a feature folder, and whatever name Hono is imported under.
    expect(await ruleMessages('src/http/api.ts', router, 'structure/router-placement')).toHaveLength(1)
    expect(await ruleMessages('src/watchlist/routes.ts', "import { Hono as Router } from 'hono'\nexport const r = new Router()\n", 'structure/router-placement')).toHaveLength(1)
    for (const allowed of ['src/watchlist/pages.tsx', 'src/watchlist/api.ts', 'src/accounts/me/api.ts', 'src/app.ts', 'src/main/worker.ts']) {
      expect(await ruleMessages(allowed, router, 'structure/router-placement')).toEqual([])
    }
  })

  it('should refuse module-level let outside the named caches (per-request state shared across requests)', async () => {
    const code = 'let filmReadAhead: number | undefined\nexport const set = (id: number) => void (filmReadAhead = id)\nexport const get = () => filmReadAhead\n'
    expect(await ruleMessages('src/browse/film-page.ts', code, 'structure/no-module-let')).toEqual([expect.stringMatching(/per-request state/)])
    expect(await ruleMessages('src/browse/film-page.ts', 'export let x = 1\n', 'structure/no-module-let')).toHaveLength(1)
    expect(await ruleMessages('src/browse/film-page.ts', 'export var x = 1\n', 'structure/no-module-let')).toHaveLength(1)
    expect(await ruleMessages('src/browse/film-page.ts', 'export function f() {\n  let x = 1\n  return ++x\n}\n', 'structure/no-module-let')).toEqual([])
    expect(await ruleMessages('src/shared/png.ts', code, 'structure/no-module-let')).toEqual([])
  })

  it('should hold the composition root to 220 lines', async () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const v${i} = ${i}`).join('\n') + '\n'
    expect(await ruleMessages('src/services.ts', lines(221), 'max-lines')).toEqual([expect.stringMatching(/Maximum allowed is 220/)])
    expect(await ruleMessages('src/services.ts', lines(220), 'max-lines')).toEqual([])
  })
})
