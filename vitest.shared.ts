import { defineConfig } from 'vitest/config';

// What every package's tests share (each packages/*/vitest.config.ts starts from this).
// Slow steps (argon2, PGlite, a spawned CLI) get 30 s on a loaded 2-core machine;
// a raised FC_NUM_RUNS lifts the limit where it applies (the tests' runs.ts helpers).
export default defineConfig({
  test: { passWithNoTests: true, testTimeout: 30_000, hookTimeout: 30_000 },
});
