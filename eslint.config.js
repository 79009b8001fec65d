// ESLint flat config. Besides the recommended TypeScript rules, it keeps the folder walls of
// ARCHITECTURE.md ("where does this file run") with one no-restricted-imports rule per folder.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** A relative import reaching into another top-level folder of src/, e.g. '../../core/studio'. */
const folder = (...names) => `^(\\.\\./)+(${names.join('|')})(/|$)`;

const nodeBuiltins = {
  regex: `^(node:.*|${builtinModules.filter((name) => !name.startsWith('_')).join('|')})(/.*)?$`,
  message: 'This folder runs outside Node: no Node built-in modules here.',
};
const noElectron = { regex: '^electron(/.*)?$', message: 'Only src/main and src/preload may use Electron.' };
const noReact = { regex: '^(react|react-dom|recharts)(/.*)?$', message: 'React belongs to src/renderer only.' };
const wall = (names, where) => ({
  regex: folder(...names),
  message: `${where} may not import from src/${names.join(', src/')} (see ARCHITECTURE.md, Layers).`,
});
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default defineConfig(
  globalIgnores(['out/', 'dist/', 'node_modules/', 'resources/', 'test-results/', '.vite/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.{ts,mts,js,mjs,cjs}'],
    ignores: ['src/renderer/**'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['src/shared/**'],
    rules: {
      ...restrict(
        nodeBuiltins,
        noElectron,
        noReact,
        wall(['core', 'main', 'preload', 'renderer', 'cli', 'server'], 'src/shared'),
      ),
      // Shared code runs in Node, the browser and the preload alike: no environment globals.
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'process', 'Buffer', 'require'],
    },
  },
  {
    files: ['src/core/**'],
    rules: restrict(noElectron, noReact, wall(['main', 'preload', 'renderer', 'cli', 'server'], 'src/core')),
  },
  {
    files: ['src/main/**'],
    rules: restrict(noReact, wall(['preload', 'renderer', 'cli', 'server'], 'src/main')),
  },
  {
    files: ['src/preload/**'],
    rules: restrict(
      {
        // Only 'electron' and relative imports (which the walls below confine to src/shared).
        regex: '^(?!electron$|\\.)',
        message: 'The preload may import only electron and src/shared.',
      },
      wall(['core', 'main', 'renderer', 'cli', 'server'], 'src/preload'),
    ),
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: globals.browser },
    ...reactHooks.configs.flat.recommended,
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      ...restrict(nodeBuiltins, noElectron, wall(['core', 'main', 'preload', 'cli', 'server'], 'src/renderer')),
    },
  },
  {
    files: ['src/cli/**'],
    rules: restrict(noElectron, noReact, wall(['main', 'preload', 'renderer'], 'src/cli')),
  },
  {
    files: ['src/server/**'],
    rules: restrict(noElectron, noReact, wall(['main', 'preload', 'renderer', 'cli'], 'src/server')),
  },
);
