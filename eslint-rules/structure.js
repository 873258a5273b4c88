// Rules that keep the house's layout (docs/architecture.md), checked by `npm run lint` in `npm test`.
// Separate rule names (not two `no-restricted-syntax` entries), so neither setting replaces the other.

/** `new Hono` outside the files eslint.config.js lets hold routers. */
const routerPlacement = {
  meta: {
    type: 'problem',
    docs: { description: "Routers live in a feature's pages.tsx (HTML) or api.ts (JSON, bytes), mounted in src/app.ts" },
    messages: { misplaced: "Routers live in a feature's pages.tsx (HTML) or api.ts (JSON, bytes), mounted in src/app.ts." },
    schema: [],
  },
  create(context) {
    // `Hono` under whatever name it was imported (`import { Hono as Router } from 'hono'`).
    const names = new Set(['Hono'])
    return {
      ImportSpecifier(node) {
        if (node.parent.source.value.startsWith('hono') && node.imported.name === 'Hono') names.add(node.local.name)
      },
      NewExpression(node) {
        if (node.callee.type === 'Identifier' && names.has(node.callee.name)) context.report({ node, messageId: 'misplaced' })
      },
    }
  },
}

/** A `let` at the top of a module: state shared by every request an isolate serves. */
const noModuleLet = {
  meta: {
    type: 'problem',
    docs: { description: 'No module-level let (or var) outside the named caches' },
    messages: {
      moduleLet:
        'No module-level let: per-request state belongs to the request (its services or context); a cache shared by requests is listed in eslint.config.js NAMED_CACHES.',
    },
    schema: [],
  },
  create(context) {
    const check = (node) => {
      if (node.kind === 'let' || node.kind === 'var') context.report({ node, messageId: 'moduleLet' })
    }
    return {
      'Program > VariableDeclaration': check,
      'Program > ExportNamedDeclaration > VariableDeclaration': check,
    }
  },
}

export default { rules: { 'router-placement': routerPlacement, 'no-module-let': noModuleLet } }
