// Node-side code (scripts, tests' setup) imports src/config.ts to validate configuration. Its
// binding types come from @cloudflare/workers-types, which the node tsconfig does not load
// (they clash with Node's fetch types); these opaque stand-ins are all that code needs.
interface KVNamespace {}
interface Fetcher {}
