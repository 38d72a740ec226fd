import { type Account, auditEntry, isLogin, type Login, type PasswordHolder } from '../account.js';
import type { AuditEntry, RequestContext } from '../effects.js';
import type { DomainError } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import { recordFailedLogin, recordSignIn } from '../sign-in.js';
import { loginBlockedUntil } from '../throttle.js';
import { maskEmail, parseIdentifier } from '../values.js';
import type { Ports } from './deps.js';
import { startSession } from './sessions.js';
import { holderWrite, RETRY, reachableEmail, retryOnConflict, sendCode } from './shared.js';

/** What a sign-in that is not an error leads to. */
export type LogInOutcome =
  /** Email + current password of a login: a session on its first customer number. */
  | {
      kind: 'signed_in';
      sessionToken: string;
      sessionExpiresAt: Date;
      loginId: string;
      /** Every customer number the login opens; the session starts on the first. */
      customerNumbers: string[];
    }
  /** Legacy username + legacy password: a code went (or recently went) to the masked email. */
  | {
      kind: 'renewal_started';
      flowToken: string;
      maskedEmail: string;
      emailed: boolean;
      resendAvailableAt: Date;
      expiresAt: Date;
    }
  /** Legacy username of a renewed customer number + its login's password: sign in with the email now. */
  | { kind: 'login_is_email'; maskedEmail: string };

/** The sign-in form: an email or a legacy username, and a password. */
export interface LogInInput {
  identifier: string;
  password: string;
  context: RequestContext;
}

type LogInPorts = Pick<
  Ports,
  | 'accounts'
  | 'sessions'
  | 'hasher'
  | 'legacy'
  | 'clock'
  | 'secrets'
  | 'audit'
  | 'policies'
  | 'deliveryEvents'
>;

/**
 * The one sign-in entry, for an email or a legacy username. Every credential failure
 * (unknown identifier, wrong password, wrong legacy password, malformed input) is the
 * same `invalid_credentials`, and every answer reveals nothing of the identifier:
 * - each sign-in asks the hasher's queue for exactly one slow check: the holder's own
 *   hash, or the dummy argon2id hash for an unknown identifier, a blocked holder and a
 *   legacy scheme checked at once beside it (`legacy.checkedAtOnce`); the HTTP layer
 *   pads every answer to `signInFloorMs`, which covers the slower legacy schemes
 *   (`renueva hashes costs` tells; ADR 0014);
 * - an unknown identifier backs off like a known one (its counters by keyed hash).
 * A saturated hasher answers `busy` before any store work.
 */
export const logIn =
  (ports: LogInPorts) =>
  async (input: LogInInput): Promise<Result<LogInOutcome, DomainError>> => {
    const { accounts, hasher, clock, audit: auditLog } = ports;
    if (hasher.saturated?.()) return Err({ code: 'busy', retryAfterSeconds: 1 });
    const identifier = parseIdentifier(input.identifier);
    const id = identifier.isOk() ? identifier.value : null;
    let holder: PasswordHolder | null = null;
    if (id?.kind === 'email') holder = await accounts.findLoginByEmail(id.email);
    else if (id) {
      const account = await accounts.findByLegacyUsername(id.username);
      holder = account?.status === 'migrated' ? await accounts.findLogin(account.loginId) : account;
    }
    const dummyCheck = async (): Promise<Result<false, DomainError>> => {
      const paid = await hasher.verify(hasher.dummyHash, input.password);
      return paid.isErr() ? Err(paid.error) : Ok(false);
    };

    if (!holder) {
      const key = ports.secrets.mac(`unknown-identifier:${input.identifier.trim().toLowerCase()}`);
      const counters = await accounts.findUnknownIdentifier(key);
      const blocked = counters && loginBlockedUntil(counters, clock.now(), ports.policies);
      const paid = await dummyCheck();
      if (paid.isErr()) return Err(paid.error);
      if (blocked)
        return Err({ code: 'throttled', retryAt: blocked === 'locked' ? null : blocked });
      await accounts.recordUnknownIdentifierFailure(
        key,
        clock.now(),
        auditEntry('login_failed', null, clock.now(), input.context, {
          reason: 'unknown_identifier',
          consecutive: (counters?.failedLogins ?? 0) + 1,
        }),
      );
      return Err({ code: 'invalid_credentials' });
    }

    const blocked = loginBlockedUntil(holder, clock.now(), ports.policies);
    if (blocked) {
      const paid = await dummyCheck();
      if (paid.isErr()) return Err(paid.error);
      return Err({ code: 'throttled', retryAt: blocked === 'locked' ? null : blocked });
    }

    const verified = isLogin(holder)
      ? await hasher.verify(holder.passwordHash, input.password)
      : await ports.legacy.verify(holder.legacyPasswordHash, input.password);
    if (verified.isErr()) return Err(verified.error);
    // a legacy scheme checked at once (a fast digest, plain text): pay the slow check anyway
    if (!isLogin(holder) && ports.legacy.checkedAtOnce(holder.legacyPasswordHash)) {
      const paid = await dummyCheck();
      if (paid.isErr()) return Err(paid.error);
    }
    if (!verified.value) return failed(ports, holder, input.context);

    if (!isLogin(holder)) return startFromLegacy(ports, holder, input.context);
    const login = holder;
    if (id?.kind === 'username') {
      await auditLog.append([auditEntry('login_hint_email', login, clock.now(), input.context)]);
      return Ok({ kind: 'login_is_email', maskedEmail: maskEmail(login.email) });
    }
    return signIn(ports, login, input.password, input.context);
  };

/** A wrong password, counted; retried on a concurrent write, so parallel guesses all count. */
async function failed(
  ports: LogInPorts,
  holder: PasswordHolder,
  ctx: RequestContext,
): Promise<Result<LogInOutcome, DomainError>> {
  let current: Account | Login | null = holder;
  await retryOnConflict(async () => {
    if (!current || (!isLogin(current) && current.status === 'migrated')) return Ok(undefined);
    const t = recordFailedLogin(current, ports.clock.now(), ctx);
    const saved = await ports.accounts.save(holderWrite(current, t.account, t.effects));
    if (saved.isOk()) return Ok(undefined);
    current = isLogin(holder)
      ? await ports.accounts.findLogin(holder.id)
      : await ports.accounts.findById(holder.id);
    return RETRY;
  });
  return Err({ code: 'invalid_credentials' });
}

async function startFromLegacy(
  ports: LogInPorts,
  account: Exclude<PasswordHolder, Login>,
  ctx: RequestContext,
): Promise<Result<LogInOutcome, DomainError>> {
  let current: Account | null = account;
  const sent = await retryOnConflict(async () => {
    if (!current || current.status === 'migrated') return Err({ code: 'conflict' });
    // read again with the account: support may have just corrected the address
    const email = await reachableEmail(ports, current);
    if (email.isErr()) return Err(email.error);
    const outcome = await sendCode(
      ports,
      { holder: 'account', account: current, to: email.value },
      'login',
      ctx,
    );
    if (outcome === RETRY) current = await ports.accounts.findById(account.id);
    return outcome;
  });
  if (sent.isErr()) return Err(sent.error);
  return Ok({ kind: 'renewal_started', ...sent.value });
}

async function signIn(
  ports: LogInPorts,
  login: Login,
  password: string,
  ctx: RequestContext,
): Promise<Result<LogInOutcome, DomainError>> {
  const { hasher, clock, accounts } = ports;
  let rehashed: string | null = null;
  if (hasher.needsRehash(login.passwordHash)) {
    const hashed = await hasher.hash(password);
    rehashed = hashed.isOk() ? hashed.value : null; // busy: keep the old hash this time
  }
  let current: Login = login;
  let auditWithSession: AuditEntry[] = [];
  const recorded = await retryOnConflict(async () => {
    if (current.failedLogins === 0 && !rehashed) {
      // nothing to change on the login, so concurrent sign-ins never collide: its audit
      // entry goes with the session, in one write
      auditWithSession = [auditEntry('login_succeeded', current, clock.now(), ctx)];
      return Ok(undefined);
    }
    const t = recordSignIn(current, rehashed, clock.now(), ctx);
    const saved = await accounts.save(holderWrite(current, t.account, t.effects));
    if (saved.isOk()) return Ok(undefined);
    const fresh = await accounts.findLogin(login.id);
    // the password changed meanwhile: this password's rehash must not overwrite it
    if (!fresh || fresh.passwordHash !== login.passwordHash)
      return Err({ code: 'invalid_credentials' });
    current = fresh;
    return RETRY;
  });
  // the password was proven: losing every race to reset the counter does not undo that
  if (recorded.isErr() && recorded.error.code !== 'conflict') return Err(recorded.error);
  const customerNumbers = [...current.customerNumbers];
  const session = await startSession(
    ports,
    login.id,
    customerNumbers[0] as string,
    auditWithSession,
  );
  return Ok({
    kind: 'signed_in',
    sessionToken: session.token,
    sessionExpiresAt: session.expiresAt,
    loginId: login.id,
    customerNumbers,
  });
}
