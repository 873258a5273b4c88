import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

/**
 * The architecture's import rules (eslint.config.js, docs/architecture.md), checked on deliberately
 * misplaced imports: each case fails if its rule is removed from the config.
 */
const eslint = new ESLint({ cwd: process.cwd() })

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
    expect(await restrictedMessages('src/routes/pages.tsx', code)).toEqual([expect.stringMatching(/composition root/)])
    expect(await restrictedMessages('src/services.ts', "import { DynamoDb } from './aws/dynamodb'\nexport const x = DynamoDb\n")).toEqual([])
    expect(await restrictedMessages('src/main/worker.ts', code)).toEqual([])
  })

  it('should let views import only types from src/', async () => {
    expect(await restrictedMessages('views/pages/X.tsx', "import { REVIEW_TEXT_MAX } from '../../src/reviews/schemas'\nexport const x = REVIEW_TEXT_MAX\n")).toEqual([
      expect.stringMatching(/only types/),
    ])
    expect(await restrictedMessages('views/pages/X.tsx', "import type { Movie } from '../../src/catalog/types'\nexport type X = Movie\n")).toEqual([])
  })
})
