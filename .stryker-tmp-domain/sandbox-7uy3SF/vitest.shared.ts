import { defineConfig } from 'vitest/config';

// What every package's tests share (each packages/*/vitest.config.ts starts from this).
// Slow steps (argon2, PGlite, a spawned CLI) get 30 s on a loaded 2-core machine; a
// raised FC_NUM_RUNS (many more property runs) lifts the limit altogether.
const raised = Number(process.env.FC_NUM_RUNS) > 0;
const limit = raised ? 0 : 30_000;

export default defineConfig({
  test: { passWithNoTests: true, testTimeout: limit, hookTimeout: limit },
});
