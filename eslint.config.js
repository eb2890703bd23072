import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', '**/*.vue'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Domain code must stay free of Electron so the CLI, the web server and tests can run it.
    files: ['src-main/store/**', 'src-main/engine/**', 'src-main/analysis/**', 'src-main/semantic/**', 'src-main/api/**', 'src-main/cli/**', 'src-main/server/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Domain code must not import Electron.' }] }] },
  },
);
