import { z } from 'zod';

const seconds = z.number().int().positive();

/**
 * Every tunable rule, with the defaults of the design brief (see
 * docs/decisions/0004-policy-defaults.md for the sources). Durations are seconds.
 */
export const policiesSchema = z
  .object({
    /** Digits in a code: 6 gives 10^6, above the 20 bits ASVS asks for. */
    codeDigits: z.number().int().min(6).max(10).default(6),
    codeLifetimeSeconds: seconds.default(600),
    /** Wrong codes that kill one code. */
    maxAttemptsPerCode: z.number().int().min(1).max(10).default(5),
    /**
     * Wrong codes per account in any sliding window, across resends and flows; a resend
     * never resets it. Bounded so a guess has at most a 1e-5 chance per window.
     */
    maxWrongCodesPerAccount: z.number().int().min(1).max(100).default(10),
    /** The sliding window of that budget: at least a day, so the bound holds per 24 h. */
    wrongCodeWindowSeconds: z
      .number()
      .int()
      .min(86_400)
      .max(30 * 86_400)
      .default(86_400),
    /**
     * Wrong codes of a customer account's budget that only a renewal started with the
     * legacy password can spend: anonymous recovery flows never lock the customer out.
     */
    wrongCodesReservedForSignIn: z.number().int().min(0).max(99).default(5),
    resendCooldownSeconds: seconds.default(60),
    maxSendsPerHour: z.number().int().min(1).max(20).default(3),
    passwordMinLength: z.number().int().min(8).max(64).default(12),
    passwordMaxLength: z.number().int().min(64).max(1024).default(128),
    /** Consecutive password failures allowed before exponential backoff starts. */
    loginFailuresBeforeBackoff: z.number().int().min(1).max(50).default(5),
    loginBackoffBaseSeconds: seconds.default(1),
    loginBackoffMaxSeconds: seconds.default(900),
    /** Consecutive failures after which password sign-in stops until recovery. */
    loginFailureCap: z.number().int().min(10).max(1000).default(100),
    sessionIdleSeconds: seconds.default(1800),
    sessionAbsoluteSeconds: seconds.default(43_200),
    /** Sign-in and recovery requests per client IP per minute (HTTP; a 429 past it). */
    rateLimitPerIpPerMinute: z.number().int().min(1).max(100_000).default(60),
    /** Sign-in and recovery requests per identifier per minute, known or not. */
    rateLimitPerIdentifierPerMinute: z.number().int().min(1).max(1000).default(10),
    /**
     * The least time a sign-in answer takes, whatever the identifier: it must exceed the
     * slowest password check (a legacy bcrypt cost 12 is ~0.2 s), so that timing does not
     * tell an unknown identifier, a legacy scheme or a renewed login apart (ADR 0014).
     */
    signInFloorMs: z.number().int().min(0).max(5000).default(300),
    /** Outbox delivery: attempts before a message is dead, and the first retry delay. */
    emailMaxAttempts: z.number().int().min(1).max(50).default(8),
    emailRetryBaseSeconds: seconds.default(30),
  })
  .refine((p) => p.maxWrongCodesPerAccount <= 10 ** p.codeDigits * 1e-5, {
    message:
      'maxWrongCodesPerAccount must keep the chance of guessing a code at or below 1e-5 per window (10 with 6 digits)',
  })
  .refine((p) => p.wrongCodesReservedForSignIn < p.maxWrongCodesPerAccount, {
    message: 'wrongCodesReservedForSignIn must be below maxWrongCodesPerAccount',
  })
  .refine((p) => p.passwordMinLength <= p.passwordMaxLength, {
    message: 'passwordMinLength must not exceed passwordMaxLength',
  })
  .refine((p) => p.sessionIdleSeconds <= p.sessionAbsoluteSeconds, {
    message: 'sessionIdleSeconds must not exceed sessionAbsoluteSeconds',
  });

/** The rules in force, every field present (see `policiesSchema` for each one). */
export type Policies = z.output<typeof policiesSchema>;
/** Some of the rules, to be resolved over the defaults by `resolvePolicies`. */
export type PolicyOverrides = z.input<typeof policiesSchema>;

/** The defaults of the design brief. */
export const defaultPolicies: Policies = Object.freeze(policiesSchema.parse({}));

/** Validates overrides over the defaults; throws a ZodError naming the bad field. */
export const resolvePolicies = (overrides: PolicyOverrides = {}): Policies =>
  Object.freeze(policiesSchema.parse(overrides));
