// @ts-nocheck
import type { Account, Login } from '../account.js';
import type { AuditAction, AuditEntry } from '../effects.js';
import type { DomainError } from '../errors.js';
import type { AuditFilter } from '../ports.js';
import { Err, Ok, type Result } from '../result.js';
import { maskEmail, parseCustomerNumber, parseEmail } from '../values.js';
import type { Ports } from './deps.js';

/** One audit entry as support reads it: who it is about, no internal id. */
export interface AuditRow {
  at: Date;
  action: AuditAction;
  /** The account's customer number, or every customer number of the login (none: an unknown user, an import). */
  customerNumbers: string[];
  /** The login's email, else the account's email on record (as they are now); masked unless asked. */
  email: string | null;
  ip: string | null;
  /** The entry's detail; email addresses in it masked unless asked. */
  detail: AuditEntry['detail'];
}

/** Whose entries to export: everyone's, a customer number's, or an email's. */
export type AuditSubject = { customerNumber: string } | { email: string } | null;

const PAGE = 500;
// any string with an "@" in a detail is treated as an email (even a malformed one on record)
const looksLikeEmail = (v: unknown): v is string => typeof v === 'string' && v.includes('@');

/**
 * The filter a subject names: a customer number's entries and its login's (as a whole),
 * or an email's: its login's, the login's accounts', and the accounts with that email on
 * record. `not_found` when nothing has that number or email.
 */
async function filterOf(
  accounts: Ports['accounts'],
  subject: AuditSubject,
  since: Date | null,
): Promise<Result<AuditFilter, DomainError>> {
  if (!subject) return Ok({ since });
  if ('customerNumber' in subject) {
    const n = parseCustomerNumber(subject.customerNumber);
    if (n.isErr()) return Err(n.error);
    const account = await accounts.findByCustomerNumber(n.value);
    if (!account) return Err({ code: 'not_found' });
    return Ok({
      since,
      accountIds: [account.id],
      loginIds: account.status === 'migrated' ? [account.loginId] : [],
    });
  }
  const email = parseEmail(subject.email);
  if (email.isErr()) return Err(email.error);
  const login = await accounts.findLoginByEmail(email.value);
  const registered = await accounts.findByRegisteredEmail(email.value);
  const members = login
    ? await Promise.all(login.customerNumbers.map((c) => accounts.findByCustomerNumber(c)))
    : [];
  const ids = new Set(
    [...members, ...registered].filter((a): a is Account => a !== null).map((a) => a.id),
  );
  if (!login && ids.size === 0) return Err({ code: 'not_found' });
  return Ok({ since, accountIds: [...ids], loginIds: login ? [login.id] : [] });
}

/**
 * Support's export of the credential events (sign-ins, codes, renewals, recoveries,
 * support changes, imports), oldest first, read a page at a time so the trail is never
 * held whole. `unmasked` shows emails in full and is itself audited (with `actor` and the
 * filter) before anything is read.
 */
export const exportAudit =
  (ports: Pick<Ports, 'accounts' | 'audit' | 'clock'>) =>
  async (input: {
    since: Date | null;
    subject: AuditSubject;
    unmasked: boolean;
    actor: string;
  }): Promise<Result<AsyncIterable<AuditRow>, DomainError>> => {
    const filter = await filterOf(ports.accounts, input.subject, input.since);
    if (filter.isErr()) return Err(filter.error);
    if (input.unmasked)
      await ports.audit.append([
        {
          action: 'audit_exported_unmasked',
          accountId: null,
          loginId: null,
          at: ports.clock.now(),
          ip: null,
          detail: {
            actor: input.actor,
            since: input.since?.toISOString() ?? null,
            customerNumber:
              input.subject && 'customerNumber' in input.subject
                ? input.subject.customerNumber
                : null,
            email: input.subject && 'email' in input.subject ? input.subject.email : null,
          },
        },
      ]);
    return Ok(rows(ports, filter.value, input.unmasked));
  };

async function* rows(
  ports: Pick<Ports, 'accounts' | 'audit'>,
  filter: AuditFilter,
  unmasked: boolean,
): AsyncIterable<AuditRow> {
  const show = (email: string | null) => (email && !unmasked ? maskEmail(email) : email);
  // an account or login is looked up once a page, however many of its entries name it
  // (kept for one page only, so a long export holds no more than a page's worth)
  let accountsById = new Map<string, Promise<Account | null>>();
  let loginsById = new Map<string, Promise<Login | null>>();
  const account = (id: string) =>
    accountsById.get(id) ??
    accountsById.set(id, ports.accounts.findById(id)).get(id) ??
    Promise.resolve(null);
  const login = (id: string) =>
    loginsById.get(id) ??
    loginsById.set(id, ports.accounts.findLogin(id)).get(id) ??
    Promise.resolve(null);
  let after: string | null = null;
  for (;;) {
    const page = await ports.audit.list(filter, { after, limit: PAGE });
    accountsById = new Map();
    loginsById = new Map();
    for (const e of page) {
      const a = e.accountId ? await account(e.accountId) : null;
      const l = e.loginId ? await login(e.loginId) : null;
      yield {
        at: e.at,
        action: e.action,
        customerNumbers: a ? [a.customerNumber] : l ? [...l.customerNumbers] : [],
        email: show(l?.email ?? a?.registeredEmail ?? null),
        ip: e.ip,
        detail: Object.fromEntries(
          Object.entries(e.detail).map(([k, v]) => [k, looksLikeEmail(v) ? show(v) : v]),
        ),
      };
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE) return;
    after = last.id;
  }
}
