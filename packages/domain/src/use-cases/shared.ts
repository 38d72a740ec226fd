import {
  type Account,
  isLogin,
  type LegacyAccount,
  type Login,
  type PasswordHolder,
  type PendingRenewal,
} from '../account.js';
import {
  type IssuedCode,
  isLive,
  nextSendAllowedAt,
  openChallenge,
  rebindChallenge,
} from '../challenge.js';
import type { RequestContext } from '../effects.js';
import type { DomainError } from '../errors.js';
import type { Changes } from '../ports.js';
import { startRecovery } from '../recovery.js';
import { reoriginRenewal, startRenewal } from '../renewal.js';
import { Err, Ok, type Result } from '../result.js';
import { wrongCodeBlockUntil } from '../throttle.js';
import { type Email, maskEmail, parseEmail } from '../values.js';
import type { Ports } from './deps.js';

/** How many times a save lost to a concurrent one is retried before answering `conflict`. */
const SAVE_RETRIES = 25;

/** Returned by an attempt that lost a race: read again and decide again. */
export const RETRY = Symbol('retry');

/**
 * Runs `attempt` until it does not lose a race. Each attempt reads the current state,
 * decides, and saves; on a conflict it returns `RETRY`. After `SAVE_RETRIES`: `conflict`.
 */
export async function retryOnConflict<T>(
  attempt: () => Promise<Result<T, DomainError> | typeof RETRY>,
): Promise<Result<T, DomainError>> {
  for (let i = 0; i < SAVE_RETRIES; i++) {
    const outcome = await attempt();
    if (outcome !== RETRY) return outcome;
  }
  return Err({ code: 'conflict' });
}

/** A fresh code; the flow token is new unless an existing flow keeps its own. */
export function issueCode(
  secrets: Ports['secrets'],
  digits: number,
  keepFlowTokenHash?: string,
): IssuedCode & { flowToken: string | null } {
  const code = secrets.code(digits);
  const flowToken = keepFlowTokenHash ? null : secrets.token();
  return {
    code,
    codeHash: secrets.mac(code),
    flowToken,
    flowTokenHash: keepFlowTokenHash ?? secrets.mac(flowToken as string),
  };
}

/** The registered email of a not-yet-migrated account, if a code can be sent to it. */
export function deliverableEmail(account: Account): Result<Email, DomainError> {
  const parsed = account.registeredEmail ? parseEmail(account.registeredEmail) : null;
  return parsed?.isOk() ? Ok(parsed.value) : Err({ code: 'no_deliverable_email' });
}

/**
 * The registered email of a not-yet-migrated account if a code can be sent to it and
 * the provider has not reported it undeliverable (a hard bounce or a spam complaint).
 */
export async function reachableEmail(
  ports: Pick<Ports, 'deliveryEvents'>,
  account: Account,
): Promise<Result<Email, DomainError>> {
  const email = deliverableEmail(account);
  if (email.isErr()) return email;
  const blocked = await ports.deliveryEvents.undeliverable(email.value);
  return blocked ? Err({ code: 'no_deliverable_email' }) : email;
}

/** What a code is sent for: a renewal of a customer account, or a login's recovery. */
export type CodeTarget =
  | { holder: 'account'; account: LegacyAccount | PendingRenewal; to: Email }
  | { holder: 'login'; login: Login };

export interface CodeSent {
  /** The token the new client holds; only its hash is stored. */
  flowToken: string;
  maskedEmail: string;
  /** Whether an email went out now (false: the code sent moments ago stays valid). */
  emailed: boolean;
  resendAvailableAt: Date;
  expiresAt: Date;
}

/** The changes that save a new value of the target's holder. */
export const holderWrite = (
  before: Account | Login,
  next: Account | Login,
  effects: Changes['effects'],
): Changes =>
  isLogin(next)
    ? { login: { next, expectedVersion: before.version }, effects }
    : { account: { next, expectedVersion: before.version }, effects };

/**
 * Sends a code for a renewal (account) or recovery (login), or, when the last code is
 * fresh and the send limits say wait, hands the flow to this new client without a new
 * email. `RETRY` when a concurrent save got there first.
 */
export async function sendCode(
  ports: Pick<Ports, 'accounts' | 'secrets' | 'clock' | 'policies'>,
  target: CodeTarget,
  origin: 'login' | 'recovery',
  ctx: RequestContext,
): Promise<Result<CodeSent, DomainError> | typeof RETRY> {
  const { accounts, secrets, clock, policies: p } = ports;
  const now = clock.now();
  const holder = target.holder === 'account' ? target.account : target.login;
  const to = target.holder === 'account' ? target.to : target.login.email;
  const waitUntil = nextSendAllowedAt(holder, now, p);
  const flow = { anonymous: origin === 'recovery', reserve: target.holder === 'account' };

  // a renewal started by proving the legacy password is the customer's: an anonymous
  // recovery request neither takes it over nor replaces its code while it is live
  if (
    origin === 'recovery' &&
    target.holder === 'account' &&
    target.account.status === 'pending_renewal' &&
    target.account.origin === 'login' &&
    isLive(target.account.challenge, now, p)
  )
    return Err({ code: 'throttled', retryAt: target.account.challenge.expiresAt });

  // a code already open: a renewal takes this request's origin, a login keeps its recovery
  const open =
    target.holder === 'login'
      ? target.login
      : target.account.status === 'pending_renewal'
        ? reoriginRenewal(target.account, origin)
        : null;
  const challenge = open && openChallenge(open);

  let next: PasswordHolder;
  let effects: Changes['effects'];
  let flowToken: string;
  let emailed = true;
  if (waitUntil && open && challenge && isLive(challenge, now, p)) {
    flowToken = secrets.token();
    ({ account: next, effects } = rebindChallenge(open, challenge, secrets.mac(flowToken), now));
    emailed = false;
  } else if (waitUntil) {
    return Err({ code: 'throttled', retryAt: waitUntil });
  } else {
    // no code email that could never be used: this flow's guess budget is spent
    const spent = wrongCodeBlockUntil(holder, now, p, flow);
    if (spent) return Err({ code: 'throttled', retryAt: spent });
    const issued = issueCode(secrets, p.codeDigits);
    flowToken = issued.flowToken as string;
    ({ account: next, effects } =
      target.holder === 'login'
        ? startRecovery(target.login, issued, now, ctx, p)
        : startRenewal(target.account, to, origin, issued, now, ctx, p));
  }
  const saved = await accounts.save(holderWrite(holder, next, effects));
  if (saved.isErr()) return RETRY;
  return Ok({
    flowToken,
    maskedEmail: maskEmail(to),
    emailed,
    resendAvailableAt: nextSendAllowedAt(next, now, p) ?? now,
    expiresAt: openChallenge(next)?.expiresAt ?? now,
  });
}
