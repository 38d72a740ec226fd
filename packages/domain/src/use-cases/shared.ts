import {
  type Account,
  type IssuedCode,
  type LegacyAccount,
  nextSendAllowedAt,
  openChallenge,
  type PendingRenewal,
  rebindChallenge,
  startRecovery,
  startRenewal,
  type Transition,
} from '../account.js';
import type { RequestContext } from '../effects.js';
import type { DomainError } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import { type Email, maskEmail, parseEmail } from '../values.js';
import type { Ports } from './deps.js';

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
    codeHash: secrets.hash(code),
    flowToken,
    flowTokenHash: keepFlowTokenHash ?? secrets.hash(flowToken as string),
  };
}

/**
 * The registered email of a not-yet-migrated account, if a code can be sent to it:
 * valid, and not already the login of another migrated account.
 */
export async function deliverableEmail(
  accounts: Ports['accounts'],
  account: Account,
): Promise<Result<Email, DomainError>> {
  const parsed = account.registeredEmail ? parseEmail(account.registeredEmail) : null;
  if (!parsed || parsed.isErr()) return Err({ code: 'no_deliverable_email' });
  const owner = await accounts.findByLoginEmail(parsed.value);
  if (owner && owner.id !== account.id)
    return Err({ code: 'email_taken', maskedEmail: maskEmail(parsed.value) });
  return Ok(parsed.value);
}

export interface CodeSent {
  /** The token the new client holds; only its hash is stored. */
  flowToken: string;
  maskedEmail: string;
  /** Whether an email went out now (false: the code sent moments ago stays valid). */
  emailed: boolean;
  resendAvailableAt: Date;
  expiresAt: Date;
}

/**
 * Sends a code for a renewal (legacy/pending) or recovery (migrated), or, when the
 * last code is fresh and the send limits say wait, hands the flow to this new client
 * without a new email. Retries on a concurrent save.
 */
export async function sendCode(
  ports: Pick<Ports, 'accounts' | 'secrets' | 'clock' | 'policies'>,
  account: Account,
  origin: 'login' | 'recovery',
  to: string,
  ctx: RequestContext,
): Promise<Result<CodeSent, DomainError>> {
  const { accounts, secrets, clock, policies: p } = ports;
  const now = clock.now();
  const waitUntil = nextSendAllowedAt(account, now, p);
  const challenge = openChallenge(account);
  const live = challenge && now < challenge.expiresAt && challenge.attempts < p.maxAttemptsPerCode;

  let transition: Transition;
  let flowToken: string;
  let emailed = true;
  if (waitUntil && live && account.status !== 'legacy') {
    flowToken = secrets.token();
    const flowTokenHash = secrets.hash(flowToken);
    transition = rebindChallenge(account, origin, flowTokenHash, now);
    emailed = false;
  } else if (waitUntil) {
    return Err({ code: 'throttled', retryAt: waitUntil });
  } else {
    const issued = issueCode(secrets, p.codeDigits);
    flowToken = issued.flowToken as string;
    transition =
      account.status === 'migrated'
        ? startRecovery(account, issued, now, ctx, p)
        : startRenewal(account as LegacyAccount | PendingRenewal, to, origin, issued, now, ctx, p);
  }
  const saved = await accounts.save(transition.account, {
    expectedVersion: account.version,
    effects: transition.effects,
  });
  if (saved.isErr()) return Err(saved.error);
  const next = transition.account;
  const current = openChallenge(next);
  return Ok({
    flowToken,
    maskedEmail: maskEmail(to),
    emailed,
    resendAvailableAt: nextSendAllowedAt(next, now, p) ?? now,
    expiresAt: current?.expiresAt ?? now,
  });
}
