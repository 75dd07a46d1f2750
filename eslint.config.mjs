// @ts-check
/**
 * ESLint (flat config) for the whole tree: `npm run lint` (zero warnings) and each project's
 * `nx run <project>:lint`. The decisions behind it are in docs/house.md ("Lint").
 *
 *  - TypeScript is linted with type information (one program: tsconfig.build.json, which holds
 *    apps, libs, tools, bench and test): no floating or misused promises, no unused code.
 *  - @nx/enforce-module-boundaries enforces the project tags (project.json): apps never import
 *    apps, libs never import apps, libs/domain imports only itself and no framework.
 *    test/, bench/ and tools/ belong to no Nx project, so they may import anything.
 *  - eslint-config-prettier last: formatting is Prettier's (npm run format), never a lint error.
 */
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** What libs/domain may not import: it is plain TypeScript (house style, "The domain is plain TypeScript"). */
const FRAMEWORKS = ['@nestjs/*', 'typeorm', 'amqplib', 'ioredis', 'bullmq', 'pg', 'fastify', '@fastify/*', 'rxjs', 'pino'];

/** libs/testing: for specs and test/ only. */
const TEST_HELPERS = { group: ['@appointments/testing'], message: 'libs/testing is for tests only (docs/house.md).' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.nx/**', 'bench/results/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  // JavaScript (configs and the small CommonJS run-time helpers): Node, no type information.
  {
    files: ['**/*.js', '**/*.cjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
  {
    files: ['**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },

  // TypeScript, type-aware.
  {
    files: ['**/*.ts'],
    ignores: ['apps/staff-web/**'], // the browser app: its own program and rules below
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.build.json'], tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    plugins: { '@nx': nx },
    rules: {
      // Promises: every promise is awaited, returned, or handed to `void` on purpose.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // No unused code: imports, variables, parameters (a leading _ marks one kept on purpose).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'none',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          // libs/testing is imported by specs only (a lint rule below), so the cycles it closes
          // (messaging's specs import testing, testing imports messaging) are test-time only.
          ignoredCircularDependencies: [['testing', '*']],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: FRAMEWORKS },
          ],
        },
      ],
    },
  },

  // The staff web app (React in the browser): its own TypeScript program (DOM, JSX), the same
  // promise and unused-code rules, the rules of hooks, and the module boundaries.
  {
    files: ['apps/staff-web/**/*.ts', 'apps/staff-web/**/*.tsx'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        project: ['./apps/staff-web/tsconfig.json', './apps/staff-web/tsconfig.node.json'],
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.browser },
    },
    plugins: { '@nx': nx, 'react-hooks': reactHooks },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // The classic two; the React Compiler rules of the plugin's preset are for code the compiler builds, which this is not.
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [{ sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] }],
        },
      ],
    },
  },

  // Feature folders of the staff web app do not import one another (house style, "The staff web app"):
  // shared code sits beside features/ (api/, components/), and routes compose the features.
  {
    files: ['apps/staff-web/src/features/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.\\./(?!\\.\\.)', message: 'A feature does not import another feature; move shared code beside features/.' },
          ],
        },
      ],
    },
  },

  // The test helpers are for tests: production code of an app or lib never imports libs/testing.
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/testing/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [TEST_HELPERS] }] },
  },

  // The domain lib: no framework, said twice (the boundary rule above needs the Nx graph; this one does not).
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: FRAMEWORKS, message: 'libs/domain is plain TypeScript: no framework, database or broker (docs/house.md).' },
            TEST_HELPERS,
          ],
        },
      ],
    },
  },

  // Tests read untyped answers (HTTP bodies, AMQP messages, database rows) and poke at internals:
  // `any` is allowed there, not in production code (docs/house.md, "Lint").
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },

  // The content lib strips control characters out of calendar, email and SMS lines on purpose.
  {
    files: ['libs/notification-content/src/**/*.ts'],
    rules: { 'no-control-regex': 'off' },
  },

  prettier,
);
