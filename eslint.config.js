// Flat config: ESLint's and typescript-eslint's recommended rules for every TypeScript file.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: ['node_modules/', '.wrangler/', '.data/', 'cdktf.out/', 'cdktf/.gen/', 'public/vendor/', 'test-results/', 'coverage/', 'bench/results.json'],
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
    // Ambient declaration files declare opaque stand-ins for types from other runtimes.
    files: ['**/*.d.ts'],
    rules: { '@typescript-eslint/no-empty-object-type': 'off' },
  },
)
