/** Property runs: `FC_NUM_RUNS` raises them. */
export const numRuns = (fallback: number): number => {
  const fromEnv = Number(process.env.FC_NUM_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? Math.max(fromEnv, fallback) : fallback;
};
