import {
  type Account,
  checkCode,
  completeMigration,
  completePasswordChange,
  type MigratedAccount,
  nextSendAllowedAt,
  openChallenge,
  type PendingRenewal,
  startRecovery,
  startRenewal,
  type Transition,
} from '../account.js';
import type { RequestContext } from '../effects.js';
import type { DomainError } from '../errors.js';
import { checkNewPassword } from '../password-policy.js';
import { Err, Ok, type Result } from '../result.js';
import { maskEmail, parseIdentifier } from '../values.js';
import type { Ports } from './deps.js';
import { deliverableEmail, issueCode, sendCode } from './shared.js';

/** How many times a save lost to a concurrent one is retried before answering `conflict`. */
const SAVE_RETRIES = 25;

/** The account whose open challenge this flow token belongs to. */
async function findFlow(
  ports: Pick<Ports, 'accounts' | 'secrets'>,
  flowToken: string,
): Promise<PendingRenewal | MigratedAccount | null> {
  if (!flowToken || flowToken.length > 200) return null;
  // found by the token's hash, so the challenge is this token's
  const account = await ports.accounts.findByFlowTokenHash(ports.secrets.hash(flowToken));
  if (!account || account.status === 'legacy' || !openChallenge(account)) return null;
  return account;
}

export interface ResendOutcome {
  maskedEmail: string;
  resendAvailableAt: Date;
  expiresAt: Date;
}

/**
 * Emails a new code for the flow this token belongs to (renewal or recovery); the old
 * code stops working and the account's wrong-code budget is kept.
 */
export const resendRenewalCode =
  (ports: Pick<Ports, 'accounts' | 'secrets' | 'clock' | 'policies'>) =>
  async (input: {
    flowToken: string;
    context: RequestContext;
  }): Promise<Result<ResendOutcome, DomainError>> => {
    const { secrets, clock, policies: p } = ports;
    for (let i = 0; i < SAVE_RETRIES; i++) {
      const account = await findFlow(ports, input.flowToken);
      if (!account) return Err({ code: 'flow_invalid' });
      const now = clock.now();
      const waitUntil = nextSendAllowedAt(account, now, p);
      if (waitUntil) return Err({ code: 'resend_too_soon', retryAt: waitUntil });
      const challenge = openChallenge(account);
      const issued = issueCode(secrets, p.codeDigits, challenge?.flowTokenHash);
      let t: Transition<PendingRenewal | MigratedAccount>;
      let to: string;
      if (account.status === 'migrated') {
        to = account.loginEmail;
        t = startRecovery(account, issued, now, input.context, p);
      } else {
        const email = await deliverableEmail(ports.accounts, account);
        if (email.isErr()) return Err(email.error);
        to = email.value;
        t = startRenewal(account, to, account.origin, issued, now, input.context, p);
      }
      const saved = await ports.accounts.save(t.account, {
        expectedVersion: account.version,
        effects: t.effects,
      });
      if (saved.isOk()) {
        return Ok({
          maskedEmail: maskEmail(to),
          resendAvailableAt: nextSendAllowedAt(t.account, now, p) ?? now,
          expiresAt: openChallenge(t.account)?.expiresAt ?? now,
        });
      }
      if (saved.error.code !== 'conflict') return Err(saved.error);
    }
    return Err({ code: 'conflict' });
  };

export interface CodeInput {
  flowToken: string;
  code: string;
  newPassword: string;
  confirmation: string;
  context: RequestContext;
}

export interface Completed {
  /** The login from now on. */
  loginEmail: string;
  /** True when a legacy account was migrated by this completion. */
  migrated: boolean;
}

type CompletePorts = Pick<
  Ports,
  'accounts' | 'sessions' | 'secrets' | 'clock' | 'policies' | 'hasher' | 'strength'
>;

/**
 * Checks the code of a flow and sets the new password. A wrong code is recorded
 * before answering (and retried on a concurrent save, so parallel guesses are all
 * counted); the right code is accepted once: concurrent completions have one winner.
 */
function completeWithCode(ports: CompletePorts, accept: 'renewal' | 'any') {
  return async (input: CodeInput): Promise<Result<Completed, DomainError>> => {
    const { accounts, secrets, clock, policies: p } = ports;
    for (let i = 0; i < SAVE_RETRIES; i++) {
      const account = await findFlow(ports, input.flowToken);
      if (!account || (accept === 'renewal' && account.status !== 'pending_renewal'))
        return Err({ code: 'flow_invalid' });
      const challenge = openChallenge(account);
      if (!challenge) return Err({ code: 'flow_invalid' });

      const password = checkNewPassword(
        input.newPassword,
        input.confirmation,
        {
          username: account.legacyUsername,
          email: account.status === 'migrated' ? account.loginEmail : account.registeredEmail,
          customerNumber: account.customerNumber,
        },
        ports.strength,
        p,
      );
      if (password.isErr()) return Err({ code: 'password_rejected', reasons: password.error });

      const now = clock.now();
      const code = input.code.trim();
      const checked = checkCode(
        account,
        challenge,
        secrets.matches(code, challenge.codeHash),
        now,
        input.context,
        p,
      );
      if (checked.isErr()) {
        const { error, transition } = checked.error;
        if (!transition) return Err(error);
        const saved = await accounts.save(transition.account, {
          expectedVersion: account.version,
          effects: transition.effects,
        });
        if (saved.isOk()) return Err(error);
        continue; // lost a race: count this guess against the fresh state
      }

      const hashed = await ports.hasher.hash(password.value);
      if (hashed.isErr()) return Err(hashed.error);
      let t: Transition;
      if (account.status === 'migrated') {
        t = completePasswordChange(account, hashed.value, now, input.context);
      } else {
        const email = await deliverableEmail(accounts, account);
        if (email.isErr()) return Err(email.error);
        t = completeMigration(account, email.value, hashed.value, now, input.context);
      }
      const saved = await accounts.save(t.account, {
        expectedVersion: account.version,
        effects: t.effects,
      });
      if (saved.isErr()) return Err(saved.error);
      await ports.sessions.deleteAllForAccount(account.id);
      const migrated = t.account as MigratedAccount;
      return Ok({ loginEmail: migrated.loginEmail, migrated: account.status !== 'migrated' });
    }
    return Err({ code: 'conflict' });
  };
}

/**
 * Finishes a renewal: the right code of a pending renewal plus an acceptable new
 * password migrate the account; its login becomes the registered email. The customer
 * signs in again afterwards (no session is created).
 */
export const completeRenewal = (ports: CompletePorts) => completeWithCode(ports, 'renewal');

/**
 * Finishes a recovery: sets a new password on a migrated account (ending all its
 * sessions), or migrates a legacy account whose recovery proved email ownership.
 */
export const completeRecovery = (ports: CompletePorts) => completeWithCode(ports, 'any');

export interface RecoveryRequested {
  /** Always present, real or not, so the answer does not reveal whether the account exists. */
  flowToken: string;
}

/**
 * Sends a recovery code for an email or legacy username. The answer has the same
 * shape whether or not the account exists, has a deliverable email, or is throttled.
 */
export const requestRecovery =
  (ports: Pick<Ports, 'accounts' | 'secrets' | 'clock' | 'policies'>) =>
  async (input: {
    identifier: string;
    context: RequestContext;
  }): Promise<Result<RecoveryRequested, DomainError>> => {
    const decoy = (): Result<RecoveryRequested, DomainError> =>
      Ok({ flowToken: ports.secrets.token() });
    const identifier = parseIdentifier(input.identifier);
    if (identifier.isErr()) return decoy();
    for (let i = 0; i < SAVE_RETRIES; i++) {
      const account: Account | null =
        identifier.value.kind === 'email'
          ? await ports.accounts.findByLoginEmail(identifier.value.email)
          : await ports.accounts.findByLegacyUsername(identifier.value.username);
      if (!account) return decoy();
      let to: string;
      if (account.status === 'migrated') to = account.loginEmail;
      else {
        const email = await deliverableEmail(ports.accounts, account);
        if (email.isErr()) return decoy();
        to = email.value;
      }
      const sent = await sendCode(ports, account, 'recovery', to, input.context);
      if (sent.isOk()) return Ok({ flowToken: sent.value.flowToken });
      if (sent.error.code !== 'conflict') return decoy();
    }
    return decoy();
  };
