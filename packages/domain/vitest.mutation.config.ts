import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// For `npm run mutation` (stryker.domain.config.mjs): the domain's tests less the checks
// of the published surface (export names and types through the TypeScript compiler, the
// built package), which no mutant of src/ can change and which are slow under load.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [...configDefaults.exclude, '**/test/api.test.ts', '**/test/package.test.ts'],
    },
  }),
);
