// Mutation testing of the security-relevant adapters: crypto, the SQL account repository
// and the outbox (docs/testing.md). Run with `npm run mutation` (it starts PostgreSQL).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'packages/adapters/vitest.mutation.config.ts' },
  mutate: [
    'packages/adapters/src/crypto/{argon2-password-hasher,bcrypt-2x,crypt-schemes,legacy-password-verifier,node-secrets,secret-box}.ts',
    'packages/adapters/src/sql/{postgres-account-repository,postgres-outbox}.ts',
  ],
  disableTypeChecks: 'packages/adapters/src/**/*.ts',
  // the other packages' tsconfig files stay: the root tsconfig references them
  ignorePatterns: [
    '/packages/{http,cli}/*',
    '!/packages/{http,cli}/tsconfig*.json',
    '/bench',
    '/docs',
  ],
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  concurrency: 2,
  incremental: true,
  incrementalFile: 'reports/mutation/adapters.incremental.json',
  reporters: ['html', 'clear-text', 'progress', 'json'],
  htmlReporter: { fileName: 'reports/mutation/adapters.html' },
  jsonReporter: { fileName: 'reports/mutation/adapters.json' },
  thresholds: { high: 90, low: 80, break: 80 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
