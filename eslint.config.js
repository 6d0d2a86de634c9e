// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Layer rules (docs/ARCHITECTURE.md): the folders of apps/proxy/src import one way only.
 * ESLint applies the last matching options of a rule, so every group below lists all its bans.
 */
const PROXY_SRC = 'apps/proxy/src';
const BAN_IOREDIS = {
  name: 'ioredis',
  message: 'Only apps/proxy/src/storage/redis/ talks to Redis; use the storage interfaces.',
};
const BAN_ENV_IMPORTS = ['node:process', 'process'].map((name) => ({
  name,
  importNames: ['env'],
  message: 'Read settings from the Config that apps/proxy/src/config.ts parses (the only reader of process.env).',
}));
const BAN_REDIS_INTERNALS = {
  regex: '(^|/)storage/redis/',
  message: 'Redis is storage\'s business: outside storage/ only the composition root (server.ts) imports storage/redis/.',
};
const BAN_CONTROL_PLANE = {
  regex: '(^|/)control-plane(/|$)',
  message: 'The data plane never imports the control plane: server.ts joins them.',
};
const BAN_DATA_PLANE = {
  regex: '(^|/)data-plane(/|$)',
  message: 'The control plane never imports the data plane: server.ts joins them.',
};
const BAN_OUTSIDE_CACHE = {
  regex: '^(\\.\\./|@caching-proxy/)',
  message: 'cache/ is pure policy: it imports nothing of the project but cache/ itself.',
};
/** @param {{ ioredis?: boolean, patterns?: object[] }} bans */
function restrictImports({ ioredis = true, patterns = [] }) {
  return { 'no-restricted-imports': ['error', { paths: [...(ioredis ? [BAN_IOREDIS] : []), ...BAN_ENV_IMPORTS], patterns }] };
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Plain JavaScript helpers (benchmark servers) run as they are: no type information.
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', console: 'readonly' },
    },
  },
  {
    files: ['**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Settings come from config.ts alone, in every workspace.
    files: ['**/*.{ts,tsx}'],
    rules: {
      ...restrictImports({}),
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read settings from the Config that apps/proxy/src/config.ts parses (the only reader of process.env).',
        },
      ],
    },
  },
  { files: [`${PROXY_SRC}/**/*.ts`], rules: restrictImports({ patterns: [BAN_REDIS_INTERNALS] }) },
  { files: [`${PROXY_SRC}/cache/**/*.ts`], rules: restrictImports({ patterns: [BAN_OUTSIDE_CACHE] }) },
  { files: [`${PROXY_SRC}/data-plane/**/*.ts`], rules: restrictImports({ patterns: [BAN_REDIS_INTERNALS, BAN_CONTROL_PLANE] }) },
  { files: [`${PROXY_SRC}/control-plane/**/*.ts`], rules: restrictImports({ patterns: [BAN_REDIS_INTERNALS, BAN_DATA_PLANE] }) },
  // The composition root and storage itself may reach the Redis backend; only storage/redis/ imports ioredis.
  { files: [`${PROXY_SRC}/server.ts`, `${PROXY_SRC}/storage/**/*.ts`], rules: restrictImports({}) },
  { files: [`${PROXY_SRC}/storage/redis/**/*.ts`], rules: restrictImports({ ioredis: false }) },
  { files: [`${PROXY_SRC}/config.ts`], rules: { 'no-restricted-properties': 'off' } },
  {
    // Carve-outs: these are not the proxy process. Tests and the benchmark hand child processes
    // their environment (PATH) and inspect Redis directly to check what the store wrote; the
    // dashboard's journeys find the browser (CHROMIUM_PATH); scripts are build tools.
    files: ['**/test/**/*.ts', '**/e2e/**/*.ts', '**/bench/**/*.ts', '**/scripts/**/*.ts'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-properties': 'off' },
  },
  {
    // The dashboard runs in the browser.
    files: ['apps/admin-ui/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: globals.browser },
  },
);
