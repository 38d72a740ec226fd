import { isLogin, type Login, type PendingRenewal } from '../account.js';
import { checkCode, codeFlowOf, nextSendAllowedAt, openChallenge } from '../challenge.js';
import type { RequestContext } from '../effects.js';
import type { DomainError, PasswordProblem } from '../errors.js';
import { checkNewPassword, type PasswordContext } from '../password-policy.js';
import type { Flow } from '../ports.js';
import { completePasswordChange } from '../recovery.js';
import { completeMigration, startRenewal } from '../renewal.js';
import { Err, Ok, type Result } from '../result.js';
import { wrongCodeBlockUntil } from '../throttle.js';
import { maskEmail, parseIdentifier } from '../values.js';
import type { Ports } from './deps.js';
import {
  type CodeTarget,
  deliverableEmail,
  holderWrite,
  issueCode,
  RETRY,
  reachableEmail,
  retryOnConflict,
  sendCode,
} from './shared.js';

/** The flow this token belongs to, if its challenge is still open. */
async function findFlow(
  ports: Pick<Ports, 'accounts' | 'secrets'>,
  flowToken: string,
): Promise<Flow | null> {
  if (!flowToken || flowToken.length > 200) return null;
  // found by the token's hash, so the challenge is this token's
  return ports.accounts.findByFlowTokenHash(ports.secrets.mac(flowToken));
}

/**
 * A renewal flow: started by signing in with the legacy password. Recovery flows (which
 * anyone can start for any identifier) are never answered by the renewal use cases,
 * whose precise answers would reveal that the account exists.
 */
const renewalOf = (flow: Flow | null): PendingRenewal | null =>
  flow?.holder === 'account' && flow.account.origin === 'login' ? flow.account : null;

/** A new renewal code went out. */
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
  (ports: Pick<Ports, 'accounts' | 'secrets' | 'clock' | 'policies' | 'deliveryEvents'>) =>
  (input: {
    flowToken: string;
    context: RequestContext;
  }): Promise<Result<ResendOutcome, DomainError>> =>
    retryOnConflict(async () => {
      const { secrets, clock, policies: p } = ports;
      const account = renewalOf(await findFlow(ports, input.flowToken));
      if (!account) return Err({ code: 'flow_invalid' });
      const now = clock.now();
      const waitUntil = nextSendAllowedAt(account, now, p);
      if (waitUntil) return Err({ code: 'resend_too_soon', retryAt: waitUntil });
      // no code email that could never be used: the renewal's guess budget is spent
      const spent = wrongCodeBlockUntil(account, now, p, codeFlowOf(account));
      if (spent) return Err({ code: 'throttled', retryAt: spent });
      const email = await reachableEmail(ports, account);
      if (email.isErr()) return Err(email.error);
      const issued = issueCode(secrets, p.codeDigits, account.challenge.flowTokenHash);
      const t = startRenewal(account, email.value, 'login', issued, now, input.context, p);
      const saved = await ports.accounts.save(holderWrite(account, t.account, t.effects));
      if (saved.isErr()) return RETRY;
      return Ok({
        maskedEmail: maskEmail(email.value),
        resendAvailableAt: nextSendAllowedAt(t.account, now, p) ?? now,
        expiresAt: t.account.challenge.expiresAt,
      });
    });

/** What the renewal and recovery forms send: the flow, its code and the new password twice. */
export interface CodeInput {
  flowToken: string;
  code: string;
  newPassword: string;
  confirmation: string;
  context: RequestContext;
}

/** A finished renewal or recovery: the customer signs in again with `loginEmail`. */
export interface Completed {
  /** The login from now on. */
  loginEmail: string;
  /** Every customer number this login opens now, sorted. */
  customerNumbers: string[];
  /** True when a customer number was migrated by this completion. */
  migrated: boolean;
  /**
   * True when the password of a login that existed before changed: a recovery, or a
   * renewal that joined the login of its email. Its other sessions ended.
   */
  passwordChanged: boolean;
}

type CompletePorts = Pick<
  Ports,
  'accounts' | 'sessions' | 'secrets' | 'clock' | 'policies' | 'hasher' | 'strength'
>;

const REJECTED: DomainError = { code: 'code_rejected' };
const NO_ONE: PasswordContext = { usernames: [], email: null, customerNumbers: [] };
const rejected = (reasons: PasswordProblem[]): Result<Completed, DomainError> =>
  Err({ code: 'password_rejected', reasons });

/** The legacy usernames of a login's customer numbers. */
async function usernamesOf(accounts: Ports['accounts'], login: Login | null): Promise<string[]> {
  const members = await Promise.all(
    (login?.customerNumbers ?? []).map((n) => accounts.findByCustomerNumber(n)),
  );
  // Stryker disable next-line ArrayDeclaration: a login's customer numbers are its own accounts' (never a dangling one)
  return members.flatMap((a) => (a ? [a.legacyUsername] : []));
}

/**
 * What a new password must not contain: the words of every customer number it will
 * open — a login's, or a renewed account's plus those of the login it joins.
 */
async function passwordContext(
  accounts: Ports['accounts'],
  holder: PendingRenewal | Login,
  joining: Login | null,
): Promise<PasswordContext> {
  const login = isLogin(holder) ? holder : joining;
  const usernames = await usernamesOf(accounts, login);
  return isLogin(holder)
    ? { usernames, email: holder.email, customerNumbers: holder.customerNumbers }
    : {
        usernames: [holder.legacyUsername, ...usernames],
        email: holder.registeredEmail,
        customerNumbers: [holder.customerNumber, ...(joining?.customerNumbers ?? [])],
      };
}

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
    let hashed: string | null = null; // argon2 once, whatever the retries
    return retryOnConflict(async () => {
      const flow = await findFlow(ports, input.flowToken);
      const holder = flow && (flow.holder === 'account' ? flow.account : flow.login);
      const challenge = holder && openChallenge(holder);
      if (!holder || !challenge || (kind === 'renewal' && !renewalOf(flow))) {
        // an unknown recovery flow does a real one's password work, so it takes as long
        if (kind === 'recovery')
          checkNewPassword(input.newPassword, input.confirmation, NO_ONE, ports.strength, p);
        return refuse({ code: 'flow_invalid' });
      }

      // a renewal joins the login of its registered email when there is one
      const email = isLogin(holder) ? null : deliverableEmail(holder);
      const joining = email?.isOk() ? await accounts.findLoginByEmail(email.value) : null;
      const password = checkNewPassword(
        input.newPassword,
        input.confirmation,
        await passwordContext(accounts, holder, joining),
        ports.strength,
        p,
      );
      if (kind === 'renewal' && password.isErr()) return rejected(password.error);

      const now = clock.now();
      const checked = checkCode(
        holder,
        challenge,
        secrets.matches(input.code.trim(), challenge.codeHash),
        now,
        input.context,
        p,
      );
      if (checked.isErr()) {
        const { error, transition } = checked.error;
        if (!transition) return refuse(error);
        const saved = await accounts.save(
          holderWrite(holder, transition.account, transition.effects),
        );
        return saved.isOk() ? refuse(error) : RETRY; // lost a race: count this guess again
      }
      if (password.isErr()) return rejected(password.error);

      if (!hashed) {
        const hash = await ports.hasher.hash(password.value);
        if (hash.isErr()) return Err(hash.error);
        hashed = hash.value;
      }
      if (isLogin(holder)) {
        const t = completePasswordChange(holder, hashed, now, input.context);
        const saved = await accounts.save(holderWrite(holder, t.account, t.effects));
        if (saved.isErr()) return RETRY;
        await ports.sessions.deleteAllForLogin(holder.id);
        return Ok({
          loginEmail: holder.email,
          customerNumbers: [...holder.customerNumbers],
          migrated: false,
          passwordChanged: true,
        });
      }

      if (!email || email.isErr()) return Err({ code: 'no_deliverable_email' });
      const existing = joining;
      const m = completeMigration(
        holder,
        existing ? { existing } : { newLoginId: secrets.uuid(), email: email.value },
        hashed,
        now,
        input.context,
      );
      const saved = await accounts.save({
        account: { next: m.account, expectedVersion: holder.version },
        login: { next: m.login, expectedVersion: existing?.version ?? null },
        effects: m.effects,
      });
      if (saved.isErr()) return RETRY; // e.g. the login of this email was created meanwhile: join it
      if (m.joined) await ports.sessions.deleteAllForLogin(m.login.id);
      return Ok({
        loginEmail: m.login.email,
        customerNumbers: [...m.login.customerNumbers],
        migrated: true,
        passwordChanged: m.joined,
      });
    });
  };
}

/**
 * Finishes a renewal: the right code of a pending renewal plus an acceptable new
 * password migrate the customer number into the login of its registered email (created
 * if there is none; when there is one, its password becomes the new one). The customer
 * signs in again afterwards (no session is created).
 */
export const completeRenewal = (ports: CompletePorts) => completeWithCode(ports, 'renewal');

/**
 * Finishes a recovery: sets a new password on a login (ending all its sessions), or
 * migrates a legacy customer number whose recovery proved ownership of its email.
 */
export const completeRecovery = (ports: CompletePorts) => completeWithCode(ports, 'recovery');

/** The answer to a recovery request, the same whether or not a code went out. */
export interface RecoveryRequested {
  /** Always present, real or not, so the answer does not reveal whether the account exists. */
  flowToken: string;
}

/**
 * Sends a recovery code for an email (a login) or a legacy username (its login once
 * renewed, otherwise the customer account itself). The answer has the same shape
 * whether or not the account exists, has a deliverable email, or is throttled. No code
 * goes to an address the provider reported undeliverable (a hard bounce or complaint):
 * the answer stays the same, and the page's support path is the way out.
 */
export const requestRecovery =
  (ports: Pick<Ports, 'accounts' | 'secrets' | 'clock' | 'policies' | 'deliveryEvents'>) =>
  async (input: {
    identifier: string;
    context: RequestContext;
  }): Promise<Result<RecoveryRequested, DomainError>> => {
    const decoy = (): Result<RecoveryRequested, DomainError> =>
      Ok({ flowToken: ports.secrets.token() });
    const identifier = parseIdentifier(input.identifier);
    if (identifier.isErr()) return decoy();
    const { accounts } = ports;
    const sent = await retryOnConflict(async () => {
      let target: CodeTarget | null = null;
      if (identifier.value.kind === 'email') {
        const login = await accounts.findLoginByEmail(identifier.value.email);
        if (login) target = { holder: 'login', login };
      } else {
        const account = await accounts.findByLegacyUsername(identifier.value.username);
        const login =
          account?.status === 'migrated' ? await accounts.findLogin(account.loginId) : null;
        const email =
          account && account.status !== 'migrated' ? await reachableEmail(ports, account) : null;
        if (login) target = { holder: 'login', login };
        else if (account && account.status !== 'migrated' && email?.isOk())
          target = { holder: 'account', account, to: email.value };
      }
      if (!target) return Err({ code: 'not_found' });
      if (
        target.holder === 'login' &&
        (await ports.deliveryEvents.undeliverable(target.login.email))
      )
        return Err({ code: 'no_deliverable_email' });
      return sendCode(ports, target, 'recovery', input.context);
    });
    return sent.isOk() ? Ok({ flowToken: sent.value.flowToken }) : decoy();
  };
