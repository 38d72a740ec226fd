import { vi } from 'vitest';

const fromEnv = Number(process.env.FC_NUM_RUNS);
const raised = Number.isInteger(fromEnv) && fromEnv > 0;

// Many more runs take longer than the default 5 s a test: lift the limit for this file.
if (raised) vi.setConfig({ testTimeout: 0 });

/** Property runs: `FC_NUM_RUNS` raises them (CI may ask for more). */
export const numRuns = (fallback: number): number =>
  raised ? Math.max(fromEnv, fallback) : fallback;
