import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Single-file components: typescript-eslint parses <script lang="ts">; the renderer runs in a browser.
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] },
    },
    rules: {
      // Every component's script is TypeScript: vue-tsc checks names against the DOM's types, which no-undef does not know.
      'no-undef': 'off',
      // The templates keep short elements on one line (attributes and text); these two rules only restyle that.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
    },
  },
  {
    // Domain code must stay free of Electron so the CLI, the web server and tests can run it.
    files: ['src-main/core/**', 'src-main/store/**', 'src-main/engine/**', 'src-main/analysis/**', 'src-main/semantic/**', 'src-main/plans/**', 'src-main/api/**', 'src-main/cli/**', 'src-main/server/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Domain code must not import Electron.' }] }] },
  },
);
