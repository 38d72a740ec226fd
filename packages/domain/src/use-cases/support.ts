import { type AccountStatus, type LegacyAccount, setEmail } from '../account.js';
import type { AuditAction } from '../effects.js';
import type { DomainError } from '../errors.js';
import type { OutboxEntry } from '../ports.js';
import { Err, Ok, type Result } from '../result.js';
import { maskEmail, parseCustomerNumber, parseEmail } from '../values.js';
import type { Ports } from './deps.js';

/**
 * Support's fix for an account whose email on record is missing, wrong or shared:
 * sets it (audited). A pending renewal is cancelled, since its code went elsewhere.
 * Migrated accounts keep their login email.
 */
export const setRegisteredEmail =
  (ports: Pick<Ports, 'accounts' | 'clock'>) =>
  async (input: {
    customerNumber: string;
    email: string;
    actor: string;
  }): Promise<Result<LegacyAccount, DomainError>> => {
    const customerNumber = parseCustomerNumber(input.customerNumber);
    if (customerNumber.isErr()) return Err(customerNumber.error);
    const email = parseEmail(input.email);
    if (email.isErr()) return Err(email.error);
    const account = await ports.accounts.findByCustomerNumber(customerNumber.value);
    if (!account) return Err({ code: 'not_found' });
    if (account.status === 'migrated') return Err({ code: 'already_migrated' });
    const owner = await ports.accounts.findByLoginEmail(email.value);
    if (owner) return Err({ code: 'email_taken', maskedEmail: maskEmail(email.value) });
    const t = setEmail(account, email.value, ports.clock.now(), input.actor);
    const saved = await ports.accounts.save(t.account, {
      expectedVersion: account.version,
      effects: t.effects,
    });
    return saved.isOk() ? Ok(t.account) : Err(saved.error);
  };

export interface MigrationStats {
  accounts: Record<AccountStatus, number> & { total: number; percentMigrated: number };
  /** All time, and the last 24 hours. */
  activity: Record<'allTime' | 'last24h', ActivityCounts>;
  emails: Record<OutboxEntry['status'], number>;
}

export interface ActivityCounts {
  renewalsStarted: number;
  codesSent: number;
  renewalsCompleted: number;
  failedLogins: number;
  failedCodes: number;
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
    recoveries: n('recovery_completed'),
  };
}

/** The migration funnel, for operators. */
export const migrationStats =
  (ports: Pick<Ports, 'accounts' | 'audit' | 'outbox' | 'clock'>) =>
  async (): Promise<MigrationStats> => {
    const since = new Date(ports.clock.now().getTime() - 86_400_000);
    const [byStatus, allTime, last24h, emails] = await Promise.all([
      ports.accounts.countByStatus(),
      ports.audit.countByAction(null),
      ports.audit.countByAction(since),
      ports.outbox.countByStatus(),
    ]);
    const total = byStatus.legacy + byStatus.pending_renewal + byStatus.migrated;
    const percentMigrated = total === 0 ? 0 : Math.round((byStatus.migrated / total) * 1000) / 10;
    return {
      accounts: { ...byStatus, total, percentMigrated },
      activity: { allTime: activity(allTime), last24h: activity(last24h) },
      emails,
    };
  };
