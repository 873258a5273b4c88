/**
 * Copy comes from the message catalogue (`t(key, params)`), never from a literal in a view: JSX text
 * with a letter (any script), and string literals shown as JSX children or in the attributes people
 * see or hear (alt, title, aria-label and the other aria texts, placeholder, a component's label and
 * hint; `content` of meta tags that describe the page).
 * Film data, numbers and symbols (★ · ×) pass, as do class names and other attributes. Text inside
 * an `aria-hidden="true"` element is a decorative glyph (ℹ is a letter to Unicode); <script> and <style>
 * hold no text. docs/i18n.md.
 */
const LETTER = /\p{L}/u
const SEEN = new Set(['alt', 'title', 'aria-label', 'aria-description', 'aria-roledescription', 'aria-valuetext', 'placeholder', 'content', 'label', 'hint'])
/** Meta tags whose `content` is a setting, not words. */
const SETTINGS = new Set(['viewport', 'color-scheme', 'theme-color', 'referrer', 'robots', 'format-detection', 'htmx-config', 'og:type', 'twitter:card'])

const attribute = (element, name) =>
  element.openingElement?.attributes.find((a) => a.type === 'JSXAttribute' && a.name.name === name)
const literalValue = (node) => (node?.type === 'Literal' && typeof node.value === 'string' ? node.value : undefined)

/** The string literals an expression shows as they are: itself, a template's text, either branch of `?:`, `&&`/`||`. */
function shownStrings(node) {
  if (!node) return []
  switch (node.type) {
    case 'Literal':
      return typeof node.value === 'string' ? [node] : []
    case 'TemplateLiteral':
      return node.quasis
    case 'ConditionalExpression':
      return [...shownStrings(node.consequent), ...shownStrings(node.alternate)]
    case 'LogicalExpression':
      return [...shownStrings(node.left), ...shownStrings(node.right)]
    case 'BinaryExpression':
      return node.operator === '+' ? [...shownStrings(node.left), ...shownStrings(node.right)] : []
    case 'ArrayExpression':
      return node.elements.flatMap((element) => shownStrings(element))
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
      return shownStrings(node.expression)
    default:
      return []
  }
}
const textOf = (node) => (node.type === 'TemplateElement' ? node.value.cooked ?? node.value.raw : node.value)

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'User-visible text in views comes from the message catalogue' },
    messages: { copy: 'User-visible text comes from the message catalogue: t(key, params) (docs/i18n.md). Found: "{{text}}"' },
    schema: [],
  },
  create(context) {
    const report = (node, text) => context.report({ node, messageId: 'copy', data: { text: text.trim().slice(0, 40) } })
    // Hidden from screen readers on purpose (aria-hidden="true"), or not text at all (<script>, <style>).
    const hidden = (parent) =>
      parent?.type === 'JSXElement' &&
      (literalValue(attribute(parent, 'aria-hidden')?.value) === 'true' || ['script', 'style'].includes(parent.openingElement.name.name))
    const check = (nodes) => {
      for (const node of nodes) if (LETTER.test(textOf(node))) report(node, textOf(node))
    }
    return {
      JSXText(node) {
        if (LETTER.test(node.value) && !hidden(node.parent)) report(node, node.value)
      },
      JSXExpressionContainer(node) {
        if ((node.parent.type === 'JSXElement' || node.parent.type === 'JSXFragment') && !hidden(node.parent)) check(shownStrings(node.expression))
      },
      JSXAttribute(node) {
        const name = node.name.name
        if (typeof name !== 'string' || !SEEN.has(name) || !node.value) return
        if (name === 'content') {
          const element = node.parent.parent
          const kind =
            literalValue(attribute(element, 'name')?.value) ?? literalValue(attribute(element, 'property')?.value) ?? literalValue(attribute(element, 'http-equiv')?.value)
          if (kind !== undefined && SETTINGS.has(kind)) return
        }
        check(node.value.type === 'JSXExpressionContainer' ? shownStrings(node.value.expression) : shownStrings(node.value))
      },
    }
  },
}
