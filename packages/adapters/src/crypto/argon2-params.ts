import type { Algorithm } from '@node-rs/argon2';

/** OWASP's argon2id baseline, set explicitly: the library's defaults are weaker. */
export const ARGON2ID_PARAMS = {
  algorithm: 2 as Algorithm, // Algorithm.Argon2id (a const enum, not importable here)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;
