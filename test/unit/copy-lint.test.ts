import { RuleTester } from 'eslint'
import tseslint from 'typescript-eslint'
import { afterAll, describe, it } from 'vitest'
import rule from '../../eslint-rules/no-hard-coded-copy.js'

// RuleTester runs its cases as vitest tests.
Object.assign(RuleTester, { afterAll, describe, it })

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } } })
const copy = (text: string) => ({ messageId: 'copy', data: { text } })

/**
 * The lint rule that keeps copy in the catalogue (run on views/** and src/**\/*.tsx by `npm run lint`, inside
 * `npm test`): a string planted in a view fails, in any script, as text, child expression or seen attribute.
 */
tester.run('no-hard-coded-copy', rule, {
  valid: [
    { code: "const a = <p>{t('home.kicker')}</p>" },
    { code: "const a = <img alt={t('movie.posterAlt', { title })} src={url} />" },
    { code: 'const a = <span class="rating">★ {rating} · {year}</span>' },
    { code: "const a = <a class=\"button primary\" href={`/movies/${id}`} data-kind='poster'>{t('hero.moreInfo')}</a>" },
    { code: 'const a = <span class="icon" aria-hidden="true">ℹ</span>' },
    { code: '<meta name="viewport" content="width=device-width, initial-scale=1" />' },
    { code: 'const a = <bdi>{movie.title}</bdi>' },
    { code: '<meta property="og:type" content="website" />' },
    { code: "const a = <script>{`window.x = 'y'`}</script>" },
  ],
  invalid: [
    { code: 'const a = <p>Coming soon</p>', errors: [copy('Coming soon')] },
    { code: 'const a = <p>近日公開</p>', errors: [copy('近日公開')] },
    { code: "const a = <p>{ready ? t('x') : 'Loading…'}</p>", errors: [copy('Loading…')] },
    { code: 'const a = <>{`Page ${page}`}</>', errors: [copy('Page')] },
    { code: 'const a = <img alt="Poster" src={url} />', errors: [copy('Poster')] },
    { code: "const a = <button aria-label={'Close'}>×</button>", errors: [copy('Close')] },
    { code: 'const a = <input placeholder="Search films" />', errors: [copy('Search films')] },
    { code: 'const a = <meta name="description" content="Watch films" />', errors: [copy('Watch films')] },
    { code: 'const a = <a title="Details">{t(\'x\')}</a>', errors: [copy('Details')] },
    { code: 'const a = <Field label="Email" name="email" />', errors: [copy('Email')] },
    { code: "const a = <p>{'Page ' + n}</p>", errors: [copy('Page')] },
    { code: 'const a = <span aria-hidden="false">Menu</span>', errors: [copy('Menu')] },
  ],
})
