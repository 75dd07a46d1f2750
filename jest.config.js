/**
 * Four Jest projects, run in this order by `npm test`:
 *  - unit:        *.spec.ts beside the code; no I/O.
 *  - integration: test/integration/**, against the real PostgreSQL, RabbitMQ and Redis
 *                 (each run in its own database and AMQP/Redis prefix).
 *  - e2e:         test/e2e/**, starts the five services as real processes (from dist/) and
 *                 drives them over HTTP and AMQP.
 *  - browser:     test/browser/**, the same platform driven through Debian's Chromium
 *                 (/usr/bin/chromium, or CHROMIUM_PATH) with playwright-core: the customer pages.
 */
const { pathsToModuleNameMapper } = require('./tools/jest/paths');

// ts-jest transpiles each file on its own (no type check; `npm run typecheck` and the build
// do that), keeping the decorator metadata Nest and class-validator rely on.
const typescript = ['ts-jest', { tsconfig: '<rootDir>/tools/jest/tsconfig.json', diagnostics: false }];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': typescript },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(),
  setupFiles: ['reflect-metadata'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
    },
    {
      ...common,
      displayName: 'browser',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
    },
  ],
};
