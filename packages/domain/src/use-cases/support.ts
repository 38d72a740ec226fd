import {
  type Account,
  type AccountStatus,
  auditEntry,
  type LegacyAccount,
  type Login,
  type MigratedAccount,
  NO_REQUEST,
} from '../account.js';
import type { AuditAction } from '../effects.js';
import type { DomainError } from '../errors.js';
import type { DeliveryEvent, OutboxEntry, UndeliverableEmail } from '../ports.js';
import { setEmail } from '../renewal.js';
import { Err, Ok, type Result } from '../result.js';
import { unlock } from '../sign-in.js';
import { parseCustomerNumber, parseEmail, parseIdentifier } from '../values.js';
import type { Ports } from './deps.js';
import { holderWrite, RETRY, retryOnConflict } from './shared.js';

/**
 * Support's fix for an account whose email on record is missing or wrong: sets it
 * (audited). A pending renewal is cancelled, since its code went elsewhere. Migrated
 * accounts keep their login: their email can only be vouched for again (the login's
 * own email, any case), which clears a bounce or complaint mark on it (audited);
 * another email for them is `already_migrated`. An email that is already a login is
 * fine: the renewal will join that login. Support vouches for the address it sets: a
 * hard bounce or complaint reported for it before is cleared.
 */
export const setRegisteredEmail =
  (ports: Pick<Ports, 'accounts' | 'clock' | 'deliveryEvents' | 'audit'>) =>
  async (input: {
    customerNumber: string;
    email: string;
    actor: string;
  }): Promise<Result<LegacyAccount | MigratedAccount, DomainError>> => {
    const customerNumber = parseCustomerNumber(input.customerNumber);
    if (customerNumber.isErr()) return Err(customerNumber.error);
    const email = parseEmail(input.email);
    if (email.isErr()) return Err(email.error);
    const set = await retryOnConflict<LegacyAccount | MigratedAccount>(async () => {
      // read again on every try: a sign-in may have counted a failure meanwhile
      const account = await ports.accounts.findByCustomerNumber(customerNumber.value);
      if (!account) return Err({ code: 'not_found' });
      if (account.status === 'migrated') {
        const login = await ports.accounts.findLogin(account.loginId);
        if (login?.email.toLowerCase() !== email.value.toLowerCase())
          return Err({ code: 'already_migrated' });
        // nothing of the account changes: support vouches for the login's address again
        await ports.audit.append([
          auditEntry('email_set', account, ports.clock.now(), NO_REQUEST, {
            actor: input.actor,
            vouched: true,
          }),
        ]);
        return Ok(account);
      }
      const t = setEmail(account, email.value, ports.clock.now(), input.actor);
      const saved = await ports.accounts.save(holderWrite(account, t.account, t.effects));
      return saved.isOk() ? Ok(t.account) : RETRY;
    });
    if (set.isOk()) await ports.deliveryEvents.clear(email.value, ports.clock.now());
    return set;
  };

/**
 * What support finds for a key: a login with its customer accounts (and, by email, those
 * with that email on record that have not joined yet), or an account with its login.
 */
export interface Lookup {
  /** The login, when the key is a login's email or a renewed customer number's. */
  login: Login | null;
  /** The login's customer accounts, or the one account found (sorted by customer number). */
  accounts: Account[];
  /** Which of their addresses (the login's email, the registered ones) the provider reported undeliverable. */
  undeliverable: UndeliverableEmail[];
}

/** The login or account a support key names: `null` when nothing matches. */
async function lookUp(
  accounts: Ports['accounts'],
  key: string,
): Promise<Omit<Lookup, 'undeliverable'> | null> {
  const k = key.trim();
  let account: Account | null = null;
  let login: Login | null = null;
  let registered: Account[] = [];
  if (parseCustomerNumber(k).isOk()) account = await accounts.findByCustomerNumber(k);
  else {
    const id = parseIdentifier(k);
    if (id.isErr()) return null;
    if (id.value.kind === 'username') account = await accounts.findByLegacyUsername(k);
    else {
      login = await accounts.findLoginByEmail(id.value.email);
      registered = await accounts.findByRegisteredEmail(id.value.email);
      // not a login (yet): the customer numbers with this email on record
      if (!login && registered.length > 0) return { login: null, accounts: registered };
    }
  }
  if (account?.status === 'migrated') login = await accounts.findLogin(account.loginId);
  if (login) {
    const members = await Promise.all(
      login.customerNumbers.map((n) => accounts.findByCustomerNumber(n)),
    );
    const joined = members.filter((a): a is Account => a !== null);
    // and the ones with this email on record that have not joined yet (legacy or pending)
    const waiting = registered.filter((a) => !login?.customerNumbers.includes(a.customerNumber));
    return { login, accounts: [...joined, ...waiting] };
  }
  return account ? { login: null, accounts: [account] } : null;
}

/**
 * Support's look-up by customer number, legacy username or email: the login with every
 * customer number it opens, the not-yet-renewed account, or (an email that is no login)
 * the customer numbers with that email on record.
 */
export const findAccount =
  (ports: Pick<Ports, 'accounts' | 'deliveryEvents'>) =>
  async (input: { key: string }): Promise<Result<Lookup, DomainError>> => {
    const found = await lookUp(ports.accounts, input.key);
    if (!found) return Err({ code: 'not_found' });
    const emails = new Map<string, string>();
    for (const e of [found.login?.email, ...found.accounts.map((a) => a.registeredEmail)])
      if (e) emails.set(e.toLowerCase(), e);
    const marks = await Promise.all(
      [...emails.values()].map((e) => ports.deliveryEvents.undeliverable(e)),
    );
    return Ok({ ...found, undeliverable: marks.filter((m) => m !== null) });
  };

/**
 * Support clears the sign-in back-off (and the lock past the failure cap) of a login
 * (by its email or one of its customer numbers) or of a not-yet-renewed account.
 * Idempotent; audited.
 */
export const unlockSignIn =
  (ports: Pick<Ports, 'accounts' | 'clock'>) =>
  (input: {
    key: string;
    actor: string;
  }): Promise<Result<Omit<Lookup, 'undeliverable'>, DomainError>> =>
    retryOnConflict(async () => {
      const found = await lookUp(ports.accounts, input.key);
      if (!found) return Err({ code: 'not_found' });
      const [first, ...others] = found.accounts;
      if (!found.login && others.length > 0)
        return Err({
          code: 'invalid_input',
          field: 'key',
          message: `${found.accounts.length} customer numbers have this email on record: name one`,
        });
      const holder = found.login ?? (first && first.status !== 'migrated' ? first : null);
      if (!holder) return Err({ code: 'not_found' });
      if (holder.failedLogins === 0) return Ok(found);
      const t = unlock(holder, ports.clock.now(), input.actor);
      const saved = await ports.accounts.save(holderWrite(holder, t.account, t.effects));
      if (saved.isErr()) return RETRY;
      return Ok(
        found.login
          ? { ...found, login: t.account as Login }
          : { login: null, accounts: [t.account as Account] },
      );
    });

/** Support's view of the outbox, newest first. */
export const listOutbox =
  (ports: Pick<Ports, 'outbox'>) =>
  (input: { status?: OutboxEntry['status']; limit: number }): Promise<OutboxEntry[]> =>
    ports.outbox.list(input);

/** Dead emails back to the queue, due now; returns how many (see `Outbox.retry`). */
export const retryOutbox =
  (ports: Pick<Ports, 'outbox' | 'clock'>) =>
  (input: { id: string } | { allDead: true }): Promise<number> =>
    ports.outbox.retry(input, ports.clock.now());

/** How far the migration is, for support and operations (`renueva stats`). */
export interface MigrationStats {
  /** Customer accounts per status, their total, and the logins the migrated ones belong to. */
  accounts: Record<AccountStatus | 'logins', number> & {
    total: number;
    percentMigrated: number;
    /** Accounts not yet renewed whose legacy hash is still weak (not wrapped at rest). */
    weakLegacyHashes: number;
  };
  /** All time, and the last 24 hours. */
  activity: Record<'allTime' | 'last24h', ActivityCounts>;
  emails: Record<OutboxEntry['status'], number>;
  /**
   * What the mail provider reported (all time): bounces and complaints, and how many
   * addresses are undeliverable now (no code goes to them until support sets them again).
   */
  delivery: Record<DeliveryEvent['kind'] | 'undeliverable', number>;
}

/** Counts of audited events over a period. */
export interface ActivityCounts {
  renewalsStarted: number;
  codesSent: number;
  renewalsCompleted: number;
  failedLogins: number;
  failedCodes: number;
  /** Recovery codes emailed to logins (a not-yet-renewed account's recovery starts a renewal: counted there). */
  recoveriesRequested: number;
  /** Logins whose password was reset by recovery (a legacy account recovered counts as a renewal). */
  recoveries: number;
}

function activity(counts: Partial<Record<AuditAction, number>>): ActivityCounts {
  const n = (a: AuditAction) => counts[a] ?? 0;
  return {
    renewalsStarted: n('renewal_started'),
    // the first code of a renewal or recovery is logged with the flow's start
    codesSent: n('renewal_started') + n('code_sent') + n('recovery_requested'),
    renewalsCompleted: n('renewal_completed'),
    failedLogins: n('login_failed'),
    failedCodes: n('code_failed'),
    recoveriesRequested: n('recovery_requested'),
    recoveries: n('recovery_completed'),
  };
}

/** The migration funnel, for operators. */
export const migrationStats =
  (ports: Pick<Ports, 'accounts' | 'audit' | 'outbox' | 'clock' | 'deliveryEvents'>) =>
  async (): Promise<MigrationStats> => {
    const since = new Date(ports.clock.now().getTime() - 86_400_000);
    const [byStatus, allTime, last24h, emails, delivery, weakLegacyHashes] = await Promise.all([
      ports.accounts.countByStatus(),
      ports.audit.countByAction(null),
      ports.audit.countByAction(since),
      ports.outbox.countByStatus(),
      ports.deliveryEvents.counts(),
      ports.accounts.countWeakLegacyHashes(),
    ]);
    const total = byStatus.legacy + byStatus.pending_renewal + byStatus.migrated;
    const percentMigrated = total === 0 ? 0 : Math.round((byStatus.migrated / total) * 1000) / 10;
    return {
      accounts: { ...byStatus, total, percentMigrated, weakLegacyHashes },
      activity: { allTime: activity(allTime), last24h: activity(last24h) },
      emails,
      delivery,
    };
  };
