import {
  type Account,
  checkCode,
  completeMigration,
  completePasswordChange,
  type MigratedAccount,
  nextSendAllowedAt,
  openChallenge,
  type PendingRenewal,
  startRenewal,
  type Transition,
} from '../account.js';
import type { RequestContext } from '../effects.js';
import type { DomainError, PasswordProblem } from '../errors.js';
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

/**
 * A renewal flow: started by signing in with the legacy password. Recovery flows (which
 * anyone can start for any identifier) are never answered by the renewal use cases,
 * whose precise answers would reveal that the account exists.
 */
const isRenewalFlow = (account: PendingRenewal | MigratedAccount): account is PendingRenewal =>
  account.status === 'pending_renewal' && account.origin === 'login';

export interface ResendOutcome {
  maskedEmail: string;
  resendAvailableAt: Date;
  expiresAt: Date;
}

/**
 * Emails a new code for the renewal flow this token belongs to; the old code stops
 * working and the account's wrong-code budget is kept. (A recovery asks `requestRecovery`
 * again instead, which answers the same whether or not the account exists.)
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
      if (!account || !isRenewalFlow(account)) return Err({ code: 'flow_invalid' });
      const now = clock.now();
      const waitUntil = nextSendAllowedAt(account, now, p);
      if (waitUntil) return Err({ code: 'resend_too_soon', retryAt: waitUntil });
      const email = await deliverableEmail(ports.accounts, account);
      if (email.isErr()) return Err(email.error);
      const issued = issueCode(secrets, p.codeDigits, account.challenge.flowTokenHash);
      const t = startRenewal(account, email.value, 'login', issued, now, input.context, p);
      const saved = await ports.accounts.save(t.account, {
        expectedVersion: account.version,
        effects: t.effects,
      });
      if (saved.isOk()) {
        return Ok({
          maskedEmail: maskEmail(email.value),
          resendAvailableAt: nextSendAllowedAt(t.account, now, p) ?? now,
          expiresAt: t.account.challenge.expiresAt,
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

const REJECTED: DomainError = { code: 'code_rejected' };
const NO_ONE = { username: '', email: null, customerNumber: '' };
const rejected = (reasons: PasswordProblem[]): Result<Completed, DomainError> =>
  Err({ code: 'password_rejected', reasons });

/**
 * Checks the code of a flow and sets the new password. A wrong code is recorded
 * before answering (and retried on a concurrent save, so parallel guesses are all
 * counted); the right code is accepted once: concurrent completions have one winner.
 *
 * A renewal (legacy password proven) answers precisely, and a weak new password before
 * the code so it spends no attempt. A recovery answers every code or flow failure with
 * `code_rejected`, and judges the password only once the code is right, so a flow asked
 * for an unknown identifier reads exactly like a real one.
 */
function completeWithCode(ports: CompletePorts, kind: 'renewal' | 'recovery') {
  const refuse = (error: DomainError) => Err(kind === 'recovery' ? REJECTED : error);
  return async (input: CodeInput): Promise<Result<Completed, DomainError>> => {
    const { accounts, secrets, clock, policies: p } = ports;
    for (let i = 0; i < SAVE_RETRIES; i++) {
      const account = await findFlow(ports, input.flowToken);
      const challenge = account && openChallenge(account);
      if (!account || !challenge || (kind === 'renewal' && !isRenewalFlow(account))) {
        // an unknown recovery flow does a real one's password work, so it takes as long
        if (kind === 'recovery')
          checkNewPassword(input.newPassword, input.confirmation, NO_ONE, ports.strength, p);
        return refuse({ code: 'flow_invalid' });
      }

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
      if (kind === 'renewal' && password.isErr()) return rejected(password.error);

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
        if (!transition) return refuse(error);
        const saved = await accounts.save(transition.account, {
          expectedVersion: account.version,
          effects: transition.effects,
        });
        if (saved.isOk()) return refuse(error);
        continue; // lost a race: count this guess against the fresh state
      }
      if (password.isErr()) return rejected(password.error);

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
export const completeRecovery = (ports: CompletePorts) => completeWithCode(ports, 'recovery');

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
