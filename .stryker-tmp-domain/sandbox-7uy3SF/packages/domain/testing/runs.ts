const fromEnv = Number(process.env.FC_NUM_RUNS);

/**
 * How many fast-check runs a property gets: `fallback`, or more when the environment
 * asks for them with `FC_NUM_RUNS` (CI or a bug hunt).
 */
export const numRuns = (fallback: number): number =>
  Number.isInteger(fromEnv) && fromEnv > 0 ? Math.max(fromEnv, fallback) : fallback;
