import {
  type Account,
  auditEntry,
  loginBlockedUntil,
  type MigratedAccount,
  recordFailedLogin,
  recordSignIn,
} from '../account.js';
import type { RequestContext } from '../effects.js';
import type { DomainError } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import { maskEmail, parseIdentifier } from '../values.js';
import type { Ports } from './deps.js';
import { startSession } from './sessions.js';
import { deliverableEmail, sendCode } from './shared.js';

export type LogInOutcome =
  /** Email + current password of a migrated account. */
  | { kind: 'signed_in'; sessionToken: string; sessionExpiresAt: Date; accountId: string }
  /** Legacy username + legacy password: a code went (or recently went) to the masked email. */
  | {
      kind: 'renewal_started';
      flowToken: string;
      maskedEmail: string;
      emailed: boolean;
      resendAvailableAt: Date;
      expiresAt: Date;
    }
  /** Legacy username + current password of a migrated account: sign in with the email now. */
  | { kind: 'login_is_email'; maskedEmail: string };

export interface LogInInput {
  identifier: string;
  password: string;
  context: RequestContext;
}

type LogInPorts = Pick<
  Ports,
  'accounts' | 'sessions' | 'hasher' | 'legacy' | 'clock' | 'secrets' | 'audit' | 'policies'
>;

/**
 * The one sign-in entry, for an email or a legacy username. Every credential failure
 * (unknown identifier, wrong password, wrong legacy password, malformed input) is the
 * same `invalid_credentials`, and an unknown identifier still pays one password
 * verification against a dummy hash so timing does not reveal it.
 */
export const logIn =
  (ports: LogInPorts) =>
  async (input: LogInInput): Promise<Result<LogInOutcome, DomainError>> => {
    const { accounts, hasher, clock, audit: auditLog } = ports;
    const identifier = parseIdentifier(input.identifier);
    const account = identifier.isErr()
      ? null
      : identifier.value.kind === 'email'
        ? await accounts.findByLoginEmail(identifier.value.email)
        : await accounts.findByLegacyUsername(identifier.value.username);

    if (!account) {
      const paid = await hasher.verify(hasher.dummyHash, input.password);
      if (paid.isErr()) return Err(paid.error);
      await auditLog.append([
        auditEntry('login_failed', null, clock.now(), input.context, {
          reason: 'unknown_identifier',
        }),
      ]);
      return Err({ code: 'invalid_credentials' });
    }

    const blocked = loginBlockedUntil(account, clock.now(), ports.policies);
    if (blocked) return Err({ code: 'throttled', retryAt: blocked === 'locked' ? null : blocked });

    const verified =
      account.status === 'migrated'
        ? await hasher.verify(account.passwordHash, input.password)
        : await ports.legacy.verify(account.legacyPasswordHash, input.password);
    if (verified.isErr()) return Err(verified.error);
    if (!verified.value) return failed(ports, account, input.context);

    if (account.status !== 'migrated') return startFromLegacy(ports, account, input.context);
    if (identifier.isOk() && identifier.value.kind === 'username') {
      await auditLog.append([auditEntry('login_hint_email', account, clock.now(), input.context)]);
      return Ok({ kind: 'login_is_email', maskedEmail: maskEmail(account.loginEmail) });
    }
    return signIn(ports, account, input.password, input.context);
  };

/** Saves are retried on a concurrent write, so parallel guesses are all counted. */
const SAVE_RETRIES = 25;

async function failed(
  ports: LogInPorts,
  account: Account,
  ctx: RequestContext,
): Promise<Result<LogInOutcome, DomainError>> {
  let current: Account | null = account;
  for (let i = 0; i < SAVE_RETRIES && current; i++) {
    const t = recordFailedLogin(current, ports.clock.now(), ctx);
    const saved = await ports.accounts.save(t.account, {
      expectedVersion: current.version,
      effects: t.effects,
    });
    if (saved.isOk()) break;
    current = await ports.accounts.findById(account.id);
  }
  return Err({ code: 'invalid_credentials' });
}

async function startFromLegacy(
  ports: LogInPorts,
  account: Exclude<Account, MigratedAccount>,
  ctx: RequestContext,
): Promise<Result<LogInOutcome, DomainError>> {
  const email = await deliverableEmail(ports.accounts, account);
  if (email.isErr()) return Err(email.error);
  const sent = await sendCode(ports, account, 'login', email.value, ctx);
  if (sent.isErr()) return Err(sent.error);
  return Ok({ kind: 'renewal_started', ...sent.value });
}

async function signIn(
  ports: LogInPorts,
  account: MigratedAccount,
  password: string,
  ctx: RequestContext,
): Promise<Result<LogInOutcome, DomainError>> {
  const { hasher, clock, accounts } = ports;
  let rehashed: string | null = null;
  if (hasher.needsRehash(account.passwordHash)) {
    const hashed = await hasher.hash(password);
    rehashed = hashed.isOk() ? hashed.value : null; // busy: keep the old hash this time
  }
  let current: MigratedAccount = account;
  for (let i = 0; i < SAVE_RETRIES; i++) {
    if (current.failedLogins === 0 && !rehashed) {
      // nothing to change: no write, so concurrent sign-ins never collide
      await ports.audit.append([auditEntry('login_succeeded', current, clock.now(), ctx)]);
      break;
    }
    const t = recordSignIn(current, rehashed, clock.now(), ctx);
    const saved = await accounts.save(t.account, {
      expectedVersion: current.version,
      effects: t.effects,
    });
    if (saved.isOk()) break;
    const fresh = await accounts.findById(account.id);
    if (fresh?.status !== 'migrated') return Err({ code: 'invalid_credentials' });
    // the password changed meanwhile: this password's rehash must not overwrite it
    if (fresh.passwordHash !== account.passwordHash) return Err({ code: 'invalid_credentials' });
    current = fresh;
  }
  const session = await startSession(ports, account.id);
  return Ok({
    kind: 'signed_in',
    sessionToken: session.token,
    sessionExpiresAt: session.expiresAt,
    accountId: account.id,
  });
}
