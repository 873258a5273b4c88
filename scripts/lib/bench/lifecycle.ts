/**
 * What every bench script does around its work: undo steps run newest first, once (on success, on error and on
 * SIGINT/SIGTERM), then every child process stopped; a setup problem printed as its message, a failure as itself.
 */
import { stopAllChildren } from '../processes'
import { SetupError } from '../../local-aws'

/** A whole-number setting from the environment, at least 1; `fallback` when unset. */
export function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) throw new SetupError(`${name} must be a positive whole number, got "${raw}"`)
  return value
}

export function benchLifecycle(): { track(dispose: () => Promise<void> | void): void; run(main: () => Promise<void>): Promise<void> } {
  const cleanups: (() => Promise<void> | void)[] = []
  let cleaning: Promise<void> | undefined
  const cleanUp = () =>
    (cleaning ??= (async () => {
      for (const dispose of cleanups.splice(0).reverse()) await Promise.resolve().then(dispose).catch((error: unknown) => console.error('cleanup:', error))
      await stopAllChildren()
    })())
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the bench`)
      void cleanUp().then(() => process.exit(130))
    })
  }
  return {
    track: (dispose) => void cleanups.push(dispose),
    async run(main) {
      try {
        await main()
      } catch (error) {
        console.error(error instanceof SetupError ? error.message : error)
        process.exitCode = 1
      } finally {
        await cleanUp()
      }
    },
  }
}
