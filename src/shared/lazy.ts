/** A lazily built value: a request that never touches a service never builds it (or its client). */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined
  return () => (value ??= build())
}

/**
 * A `T` from its plain members and one getter per builder (builders made with `lazy`): the composition root hands
 * out its services as properties, each built on its first read, or never. Curried so that `T` is named and the
 * builders' keys are inferred: `withGetters<Services>()(plain, { catalog, accounts })`.
 */
export const withGetters =
  <T extends object>() =>
  <K extends keyof T>(plain: Omit<T, K>, builders: { [P in K]: () => T[P] }): T => {
    for (const name of Object.keys(builders) as K[]) Object.defineProperty(plain, name, { get: builders[name], enumerable: true, configurable: true })
    return plain as T
  }
