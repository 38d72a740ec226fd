// Mutation testing of @renueva/domain (docs/testing.md). Run with `npm run mutation`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'packages/domain/vitest.mutation.config.ts', dir: 'packages/domain' },
  mutate: ['packages/domain/src/**/*.ts'],
  // only the sources under test get `// @ts-nocheck`: the README test compares examples/ as written
  disableTypeChecks: 'packages/domain/src/**/*.ts',
  // the other packages' tsconfig files stay: the root tsconfig references them
  ignorePatterns: [
    '/packages/{http,cli}/*',
    '!/packages/{http,cli}/tsconfig*.json',
    '/bench',
    '/docs',
    '**/dist',
  ],
  coverageAnalysis: 'perTest',
  // module-level mutants (policy defaults, schema bounds) would each need the whole suite
  // (a minute apiece): they are left out and listed as ignored (docs/testing.md)
  ignoreStatic: true,
  concurrency: 2,
  incremental: true,
  incrementalFile: 'reports/mutation/domain.incremental.json',
  reporters: ['html', 'clear-text', 'progress', 'json'],
  htmlReporter: { fileName: 'reports/mutation/domain.html' },
  jsonReporter: { fileName: 'reports/mutation/domain.json' },
  thresholds: { high: 95, low: 90, break: 90 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
