import Argon2, { Argon2Type, Argon2Version } from '@phi-ag/argon2'

/** OWASP's first Argon2id option: 19 MiB, 2 passes, 1 lane. */
export interface Argon2Params {
  memoryKiB: number
  passes: number
  lanes: number
}

export const ARGON2_PARAMS: Argon2Params = { memoryKiB: 19_456, passes: 2, lanes: 1 }
const HASH_BYTES = 32

type ModuleSource = () => WebAssembly.Module | Promise<WebAssembly.Module>
let source: ModuleSource | undefined
// One instance per isolate: instantiating the precompiled module is cheap, but its 19 MiB
// of linear memory is worth reusing. Hashing is synchronous, so requests never share it at once.
let instance: Promise<Argon2> | undefined

/** The runtime's way to get the precompiled module (the platform port; set by the composition root). */
export function provideArgon2Module(load: ModuleSource): void {
  if (source === load) return
  source = load
  instance = undefined
}

const argon2 = () =>
  (instance ??= (async () => {
    if (!source) throw new Error('Argon2 module not provided: the runtime entry must pass Platform.argon2Module')
    return new Argon2(await WebAssembly.instantiate(await source()))
  })())

/** Raw Argon2id output for the given salt and parameters. */
export async function argon2id(secret: string, salt: Uint8Array, params: Argon2Params): Promise<Uint8Array> {
  const { hash } = (await argon2()).hash(secret, {
    salt,
    hashLength: HASH_BYTES,
    memoryCost: params.memoryKiB,
    timeCost: params.passes,
    parallelism: params.lanes,
    type: Argon2Type.Argon2id,
    version: Argon2Version.Version13,
  })
  return hash
}
