export { ARGON2ID_PARAMS, Argon2PasswordHasher } from './argon2-password-hasher.js';
export {
  describeLegacyHash,
  SchemeLegacyPasswordVerifier,
} from './legacy-password-verifier.js';
export { deriveKey, NodeSecrets } from './node-secrets.js';
export { SecretBox } from './secret-box.js';
export { type LimiterOptions, WorkLimiter } from './work-limiter.js';
export { ZxcvbnPasswordStrength } from './zxcvbn-password-strength.js';
