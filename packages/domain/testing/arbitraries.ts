import {
  type Account,
  type Challenge,
  defaultPolicies,
  type LegacyAccount,
  type Login,
  type MigratedAccount,
  type PendingRenewal,
  type Policies,
  type RequestContext,
  resolvePolicies,
  type Throttle,
} from '@renueva/domain';
import fc from 'fast-check';

// fast-check arbitraries of the domain values, each value well formed on its own:
// versions from 1, updatedAt never before createdAt, counters with their times, login
// emails normalised, a login's customer numbers sorted and unique. Values are not tied to
// each other (a migrated account's loginId names no generated login). Times are whole
// seconds around ARBITRARY_NOW, so properties can pick a `now` near them.

/** The instant the generated values are around (the fixed clock's default start). */
export const ARBITRARY_NOW = new Date('2026-03-02T16:00:00.000Z');

const DAY = 86_400;

/** A time within `seconds` before or after `around` (whole seconds). */
export const arbTime = (around: Date = ARBITRARY_NOW, seconds = 30 * DAY): fc.Arbitrary<Date> =>
  fc.integer({ min: -seconds, max: seconds }).map((s) => new Date(around.getTime() + s * 1000));

/** A customer number as the import accepts it: 1 to 20 digits. */
export const arbCustomerNumber = (): fc.Arbitrary<string> => fc.stringMatching(/^[0-9]{1,20}$/);

/** A legacy username: no spaces, no "@", original spelling (mixed case). */
export const arbLegacyUsername = (): fc.Arbitrary<string> =>
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9._-]{0,19}$/);

/** An email as a login holds it: valid for `parseEmail`, already lower case. */
export const arbEmail = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.stringMatching(/^[a-z0-9]{1,12}(\.[a-z0-9]{1,8})?$/),
      fc.stringMatching(/^[a-z0-9]{1,10}$/),
      fc.constantFrom('mx', 'com', 'com.mx', 'net'),
    )
    .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);

/** A registered email as legacy data has it: any case, sometimes missing or invalid. */
export const arbRegisteredEmail = (): fc.Arbitrary<string | null> =>
  fc.oneof(
    { weight: 6, arbitrary: arbEmail() },
    {
      weight: 2,
      arbitrary: arbEmail().map((e) => e.toUpperCase()),
    },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom('facturas@@x', 'sin correo', '') },
  );

/** Where a request came from. */
export const arbRequestContext = (): fc.Arbitrary<RequestContext> =>
  fc.record({
    ip: fc.option(fc.ipV4(), { nil: null }),
    userAgent: fc.option(fc.constantFrom('Mozilla/5.0', 'curl/8.5', 'vitest'), { nil: null }),
  });

/**
 * Valid policies: the defaults, or any overrides within the schema's bounds (through
 * `resolvePolicies`, so they are what a deployment could configure).
 */
export const arbPolicies = (): fc.Arbitrary<Policies> =>
  fc.oneof(
    fc.constant(defaultPolicies),
    fc
      .record({
        codeDigits: fc.integer({ min: 6, max: 10 }),
        codeLifetimeSeconds: fc.integer({ min: 60, max: 3600 }),
        maxAttemptsPerCode: fc.integer({ min: 1, max: 10 }),
        maxWrongCodesPerAccount: fc.integer({ min: 1, max: 10 }),
        reservedShare: fc.double({ min: 0, max: 0.99, noNaN: true }),
        wrongCodeWindowSeconds: fc.integer({ min: DAY, max: 7 * DAY }),
        resendCooldownSeconds: fc.integer({ min: 1, max: 900 }),
        maxSendsPerHour: fc.integer({ min: 1, max: 20 }),
        passwordMinLength: fc.integer({ min: 8, max: 64 }),
        passwordMaxLength: fc.integer({ min: 64, max: 1024 }),
        loginFailuresBeforeBackoff: fc.integer({ min: 1, max: 50 }),
        loginBackoffBaseSeconds: fc.integer({ min: 1, max: 60 }),
        loginBackoffMaxSeconds: fc.integer({ min: 1, max: 3600 }),
        loginFailureCap: fc.integer({ min: 10, max: 1000 }),
        sessionAbsoluteSeconds: fc.integer({ min: 60, max: 7 * DAY }),
        sessionIdleFraction: fc.double({ min: 0, max: 1, noNaN: true }),
        emailMaxAttempts: fc.integer({ min: 1, max: 50 }),
        emailRetryBaseSeconds: fc.integer({ min: 1, max: 600 }),
      })
      .map(({ sessionIdleFraction, reservedShare, ...p }) =>
        resolvePolicies({
          ...p,
          wrongCodesReservedForSignIn: Math.floor(p.maxWrongCodesPerAccount * reservedShare),
          sessionIdleSeconds: Math.max(
            1,
            Math.floor(p.sessionAbsoluteSeconds * sessionIdleFraction),
          ),
        }),
      ),
  );

/** Failure counters with their times: a count above zero always has a time. */
export const arbThrottle = (around: Date = ARBITRARY_NOW): fc.Arbitrary<Throttle> =>
  fc
    .record({
      failedLogins: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 120 })),
      lastFailedLoginAt: arbTime(around, DAY),
      wrongCodesAt: fc.array(arbTime(around, 2 * DAY), { maxLength: 12 }),
      anonymousShare: fc.double({ min: 0, max: 1, noNaN: true }),
      recentSends: fc.array(arbTime(around, 2 * 3600), { maxLength: 4 }),
    })
    .map(({ anonymousShare, ...t }) => ({
      ...t,
      lastFailedLoginAt: t.failedLogins > 0 ? t.lastFailedLoginAt : null,
      wrongCodesAt: [...t.wrongCodesAt].sort((a, b) => a.getTime() - b.getTime()),
      // the anonymous ones are some of them
      anonymousWrongCodesAt: t.wrongCodesAt
        .filter((_, i) => i < Math.round(t.wrongCodesAt.length * anonymousShare))
        .sort((a, b) => a.getTime() - b.getTime()),
      recentSends: [...t.recentSends].sort((a, b) => a.getTime() - b.getTime()),
    }));

/**
 * An open code: hashes only, `expiresAt` one code lifetime after `issuedAt` (which is
 * also its last send: a resend issues a new code), at most `maxAttemptsPerCode` wrong
 * attempts. Whether it is still live depends on the `now` a property picks.
 */
export const arbChallenge = (
  policies: Policies = defaultPolicies,
  around: Date = ARBITRARY_NOW,
): fc.Arbitrary<Challenge> =>
  fc
    .record({
      codeHash: fc.stringMatching(/^[0-9a-f]{64}$/),
      flowTokenHash: fc.stringMatching(/^[0-9a-f]{64}$/),
      issuedAt: arbTime(around, DAY),
      attempts: fc.integer({ min: 0, max: policies.maxAttemptsPerCode }),
      sends: fc.integer({ min: 1, max: 6 }),
    })
    .map((c) => ({
      ...c,
      lastSentAt: c.issuedAt,
      expiresAt: new Date(c.issuedAt.getTime() + policies.codeLifetimeSeconds * 1000),
    }));

const arbVersioned = (around: Date) =>
  fc
    .record({
      id: fc.uuid({ version: 4 }),
      version: fc.integer({ min: 1, max: 50 }),
      createdAt: arbTime(around),
      age: fc.integer({ min: 0, max: 30 * DAY }),
    })
    .map(({ age, ...v }) => ({ ...v, updatedAt: new Date(v.createdAt.getTime() + age * 1000) }));

const arbAccountBase = (around: Date) =>
  fc
    .tuple(
      arbVersioned(around),
      fc.record({
        customerNumber: arbCustomerNumber(),
        legacyUsername: arbLegacyUsername(),
        registeredEmail: arbRegisteredEmail(),
      }),
    )
    .map(([v, a]) => ({ ...v, ...a }));

/** A scheme-tagged legacy hash the fake verifier recognises. */
const arbLegacyHash = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength: 20 }).map((p) => `plain:${p}`),
    fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256:${h}`),
  );

/** A customer account not yet renewed. */
export const arbLegacyAccount = (around: Date = ARBITRARY_NOW): fc.Arbitrary<LegacyAccount> =>
  fc
    .tuple(arbAccountBase(around), arbThrottle(around), arbLegacyHash())
    .map(([base, throttle, legacyPasswordHash]) => ({
      ...base,
      ...throttle,
      status: 'legacy' as const,
      legacyPasswordHash,
    }));

/** A customer account with a renewal under way (a code out), from a sign-in or a recovery. */
export const arbPendingRenewal = (
  policies: Policies = defaultPolicies,
  around: Date = ARBITRARY_NOW,
): fc.Arbitrary<PendingRenewal> =>
  fc
    .tuple(
      arbLegacyAccount(around),
      fc.constantFrom('login' as const, 'recovery' as const),
      arbChallenge(policies, around),
    )
    .map(([legacy, origin, challenge]) => ({
      ...legacy,
      status: 'pending_renewal' as const,
      origin,
      challenge,
    }));

/** A renewed customer account: it belongs to a login and holds no password. */
export const arbMigratedAccount = (around: Date = ARBITRARY_NOW): fc.Arbitrary<MigratedAccount> =>
  fc.tuple(arbAccountBase(around), fc.uuid({ version: 4 })).map(([base, loginId]) => ({
    ...base,
    status: 'migrated' as const,
    loginId,
    migratedAt: base.updatedAt,
  }));

/** A customer account in any status. */
export const arbAccount = (
  policies: Policies = defaultPolicies,
  around: Date = ARBITRARY_NOW,
): fc.Arbitrary<Account> =>
  fc.oneof(
    arbLegacyAccount(around),
    arbPendingRenewal(policies, around),
    arbMigratedAccount(around),
  );

/**
 * A login: a normalised email, an argon2id-shaped hash, one to five customer numbers
 * (sorted, unique), sometimes a recovery under way.
 */
export const arbLogin = (
  policies: Policies = defaultPolicies,
  around: Date = ARBITRARY_NOW,
): fc.Arbitrary<Login> =>
  fc
    .tuple(
      arbVersioned(around),
      arbThrottle(around),
      fc.record({
        email: arbEmail(),
        passwordHash: fc
          .stringMatching(/^[A-Za-z0-9+/]{22}$/)
          .map((s) => `$argon2id$v=19$m=19456,t=2,p=1$${s}$${s}`),
        recovery: fc.option(arbChallenge(policies, around), { nil: null }),
        customerNumbers: fc.uniqueArray(arbCustomerNumber(), { minLength: 1, maxLength: 5 }),
      }),
    )
    .map(([v, throttle, l]) => ({
      ...v,
      ...throttle,
      ...l,
      passwordChangedAt: v.createdAt,
      customerNumbers: [...l.customerNumbers].sort(),
    }));
