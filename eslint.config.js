// The linter's rules: mistakes a machine should catch (docs/architecture.md, "How we write code").
// Formatting is Prettier's (package.json "prettier"); eslint only reports, it never re-wraps.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'models/', 'coverage/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits loses its error and its ordering: the bugs found in this repo.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false } },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-unreachable': 'error',
      // Library code logs through pino; only the CLI entry points print (see the override below).
      'no-console': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Entry points that talk to a terminal.
    files: ['scripts/**/*.ts', 'src/main.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // vitest types its asymmetric matchers (expect.any, expect.stringMatching) as `any`; every
    // other `any` in tests is still caught by the member-access, argument and return rules.
    files: ['test/**/*.ts'],
    // Fakes and stubs are async to fit the interfaces they stand in for, awaiting nothing.
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
