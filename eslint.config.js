// Type-aware lint of the TypeScript sources (run by .ci/run and `npm run lint`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'editors/**', 'fixtures/**', 'test/**/fixtures/**', 'playground/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // tsconfig has noUncheckedIndexedAccess: every `xs[i]` is `T | undefined`, and `xs[i]!` is the
      // explicit, greppable marker of an index the surrounding code has already bounds-checked (loop
      // bounds, a length test, a regex group that always participates). Banning `!` would force
      // either runtime checks that cannot fail or casts that hide more than `!` does.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Numbers in messages, SQL text and positions are the common case (line/column, identifier
      // lengths); `${n}` is exact for them. Strings of `any`, objects, `undefined` and nullables stay
      // banned: those are the cases that print "[object Object]" or "undefined" to a user.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // ESTree node kinds (`TSESTree.Node['type']`) are a string enum whose values are their names; the
      // frontends compare them with string literals (`node.type === 'CallExpression'`) so that the parser,
      // which loads the TypeScript compiler, stays a lazy import. TypeScript itself rejects a literal
      // that is no member (TS2367 "no overlap"), which is the mistake this rule guards against.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // `() => this.walk(node)` callbacks and `return this.walk(x)` as an early exit of a void method are
      // the idiom of the tree walkers: no caller reads the value, so there is nothing to confuse.
      // Same convention as tsconfig's noUnusedParameters: a leading `_` marks a parameter a signature
      // needs (an overridable hook, a callback's position) but this body does not use; `{ a, ...rest }`
      // is how a copy without `a` is written.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Test doubles implement the async interfaces of the code under test (`readStdin`, a database's
      // `done`) and vitest callbacks are async by habit; a body with nothing to await is not a bug there.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Plain JavaScript helpers (e.g. test/helpers/*.mjs loaded with --import) are not in tsconfig, so
    // the type-aware rules cannot run on them; the syntax rules still do.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
);
