import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// The tests that exercise the security-relevant adapters (crypto, the SQL repository and
// outbox), for `npm run mutation` (stryker.adapters.config.mjs). The SQL ones run on the
// PostgreSQL server of scripts/with-postgres.mjs; PGlite runs the same contract suites in
// `npm test` but is too slow to start once per mutant.
export default mergeConfig(
  shared,
  defineConfig({
    // Stryker runs from the repository root: the patterns are this package's
    root: fileURLToPath(new URL('.', import.meta.url)),
    test: {
      include: [
        'test/crypto-*.test.ts',
        'test/wrap-legacy-hashes.test.ts',
        'test/postgres.test.ts',
        'test/postgres-sql.test.ts',
        'test/sql-concurrency.test.ts',
      ],
      env: { RENUEVA_TEST_PGLITE: 'skip' },
    },
  }),
);
