/** wrangler (and the worker test pool) import `.wasm` files as compiled modules: runtime compilation is forbidden in workerd. */
declare module '*.wasm' {
  const module: WebAssembly.Module
  export default module
}
