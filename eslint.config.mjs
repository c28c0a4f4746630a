// ESLint flat config: typescript-eslint's type-aware rules for src/, test/ and bench/, the browser
// globals for public/ (plain ES modules checked by tsc through // @ts-check), Prettier for layout.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Generated: test/support/generated/ (openapi-typescript's output, checked by the walkthrough test).
  {
    ignores: [
      'dist/',
      'dist-bench/',
      'coverage/',
      'node_modules/',
      'test-artifacts/',
      'bench/results/',
      'public/vendor/',
      'test/support/generated/',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `_name` marks a binding that is deliberately unused (destructuring to drop a key).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Repository interfaces are async so that a networked database fits them; the SQLite
      // implementations do synchronous work inside async methods on purpose.
      '@typescript-eslint/require-await': 'off',
      // Passing a caught `unknown` on through a rejection is not inventing a non-Error reason.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // Tests poke at untyped JSON answers on purpose; the unsafe-* family would only add casts.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['public/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ignores: ['public/**'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  prettier,
);
