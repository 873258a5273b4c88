// Flat config: ESLint's and typescript-eslint's recommended rules for every TypeScript file,
// then the import rules that keep the architecture (docs/architecture.md): checked by
// test/ops/import-rules.test.ts, and run by `npm test` through `npm run lint`.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import noHardCodedCopy from './eslint-rules/no-hard-coded-copy.js'
import structure from './eslint-rules/structure.js'

/** Feature folders: each owns its data and use cases. */
export const FEATURES = ['videos', 'playback', 'progress', 'accounts', 'watchlist', 'reviews', 'notifications', 'catalog', 'recommendations', 'mail', 'events', 'jobs', 'push', 'browse', 'offline', 'health', 'where-to-watch', 'downloads']

/** Modules of a feature that may speak HTTP (Hono): its routes and its middleware. */
const HTTP_MODULES = ['api.ts', 'pages.tsx', 'middleware.ts']

/**
 * Where routers (`new Hono`) may live: a feature's `pages.tsx` (HTML) or `api.ts` (JSON and byte-serving routes),
 * the app (src/app.ts, which mounts them) and the runtime entries (src/main/). A newcomer finds any route in two hops.
 */
const ROUTER_FILES = [...FEATURES.flatMap((feature) => [`src/${feature}/**/pages.tsx`, `src/${feature}/**/api.ts`]), 'src/app.ts', 'src/main/**']

/** The composition root builds and wires, nothing else: a use case that grows here belongs to a feature. */
const COMPOSITION_ROOT_MAX_LINES = 220

/**
 * Module-level state lives only in these named caches (one value per isolate, the same for every request);
 * anything per request belongs in the request's services or context, never in a module's `let`.
 */
export const NAMED_CACHES = [
  'src/catalog/bundled/index.ts', // the genres present in the bundle, computed once
  'src/catalog/bundled/search-memo.ts', // recent bundled searches, bounded by weight
  'src/catalog/bundled/data.ts', // the bundle's film index, built on first use
  'src/shared/png.ts', // the CRC table
  'src/auth/argon2.ts', // the compiled Argon2 module and its instance
  'src/http/page-cache.ts', // the isolate's page memory (first tier)
  'src/config.ts', // the development secret, one per process
  'src/main/node/platform.ts', // the Argon2 module, read once from disk
  'src/videos/ready-map.ts', // the films with a ready video, re-read every 30 s
  'src/downloads/grants.ts', // download checks (record + video row), reused a minute
]

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] })

const NO_AWS = { group: ['**/aws/*', '**/aws'], message: 'Only the composition root (src/services.ts) and the runtime entries (src/main/, src/transcoder/main.ts) use the AWS adapters.' }
const NO_HONO = { group: ['hono', 'hono/*', '@hono/*'], message: 'Features speak HTTP only in their route and middleware modules; services stay runtime- and transport-free.' }
const notOthersData = (feature) => ({
  regex: `^(\\.\\./)+(?!${feature}/)(${FEATURES.join('|')})/(keys|store)$`,
  message: "A feature never reads another feature's keys or store: call its service's narrow API instead.",
})
const httpModules = (feature) => HTTP_MODULES.map((name) => `src/${feature}/**/${name}`)

const featureRules = FEATURES.flatMap((feature) => [
  { files: [`src/${feature}/**/*.{ts,tsx}`], ignores: httpModules(feature), rules: restrict([NO_HONO, notOthersData(feature), NO_AWS]) },
  { files: httpModules(feature), rules: restrict([notOthersData(feature), NO_AWS]) },
])

export default tseslint.config(
  {
    ignores: ['node_modules/', '.wrangler/', '.data/', 'cdktf.out/', 'cdktf/.gen/', 'public/vendor/', 'test-results/', 'coverage/', 'bench/results.json', 'dist/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
    },
    rules: {
      // tsc (strict) already reports undefined names with types in view; no-undef misfires on TS globals.
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // DynamoDB/SQS JSON answers are untyped at the edge of the adapters.
      '@typescript-eslint/no-explicit-any': 'off',
      // Input validation matches control characters on purpose (to reject them).
      'no-control-regex': 'off',
    },
  },
  {
    // The service worker's parts are classic scripts joined in one global scope by importScripts (/sw.js): a
    // top-level name one part defines is used by another, so only names inside functions must be used where defined.
    files: ['public/assets/sw-*.js'],
    languageOptions: { sourceType: 'script' },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { vars: 'local', argsIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
  {
    // Ambient declaration files declare opaque stand-ins for types from other runtimes.
    files: ['**/*.d.ts'],
    rules: { '@typescript-eslint/no-empty-object-type': 'off' },
  },
  {
    // Everything in src/ but the composition root, the runtime entries (the transcoder's too) and the adapters themselves.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/services.ts', 'src/main/**', 'src/transcoder/main.ts', 'src/aws/**', ...FEATURES.map((feature) => `src/${feature}/**`)],
    rules: restrict([NO_AWS]),
  },
  ...featureRules,
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ROUTER_FILES,
    plugins: { structure },
    rules: { 'structure/router-placement': 'error' },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: NAMED_CACHES,
    plugins: { structure },
    rules: { 'structure/no-module-let': 'error' },
  },
  {
    files: ['src/services.ts'],
    rules: { 'max-lines': ['error', { max: COMPOSITION_ROOT_MAX_LINES, skipBlankLines: false, skipComments: false }] },
  },
  {
    // Copy comes from the message catalogue (t()), never from a literal in a view (eslint-rules/no-hard-coded-copy.js).
    files: ['views/**/*.tsx', 'src/**/*.tsx'],
    plugins: { flixpeek: { rules: { 'no-hard-coded-copy': noHardCodedCopy } } },
    rules: { 'flixpeek/no-hard-coded-copy': 'error' },
  },
  {
    // Views are pure: they may know the shapes of data (types), never code from src/ — but for the
    // i18n seam (src/i18n/), which is how every view speaks the viewer's language.
    files: ['views/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)src/(?!i18n/)', allowTypeImports: true, message: 'Views import only types from src/ (and the i18n seam); pass values in as props.' }] },
      ],
    },
  },
)
