import {
  type Account,
  type AccountRepository,
  type AccountStatus,
  type AuditEntry,
  type Changes,
  Err,
  type Flow,
  type ImportedLines,
  type ImportOutcome,
  isWeakLegacyHash,
  type LegacyAccount,
  type LegacyHash,
  type LegacyImportRow,
  type LineDigest,
  type Login,
  Ok,
  openChallenge,
  type RejectedRow,
  type SaveResult,
  type UnknownIdentifier,
  type WeakLegacyHash,
} from '@renueva/domain';
import type { MemoryAuditLog } from './memory-audit-log.js';
import type { MemoryOutbox } from './memory-outbox.js';

const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

/**
 * Accounts and logins in Maps, values cloned in and out so callers can never mutate
 * the store. A save is atomic by construction (no await between the checks and the
 * writes). A login's customer numbers are derived from the accounts, as in SQL.
 */
export class MemoryAccountRepository implements AccountRepository {
  readonly #accounts = new Map<string, Account>();
  readonly #logins = new Map<string, Omit<Login, 'customerNumbers'>>();
  readonly #unknown = new Map<string, UnknownIdentifier>();
  /** Per account id, the digest of the line that made it (ADR 0012), as SQL's import_digest. */
  readonly #digests = new Map<string, LineDigest>();
  readonly #outbox: MemoryOutbox;
  readonly #audit: MemoryAuditLog;

  constructor(deps: { outbox: MemoryOutbox; audit: MemoryAuditLog }) {
    this.#outbox = deps.outbox;
    this.#audit = deps.audit;
  }

  #find(predicate: (a: Account) => boolean): Account | null {
    for (const account of this.#accounts.values())
      if (predicate(account)) return structuredClone(account);
    return null;
  }

  #login(predicate: (l: Omit<Login, 'customerNumbers'>) => boolean): Login | null {
    for (const login of this.#logins.values())
      if (predicate(login)) return this.#withCustomerNumbers(login);
    return null;
  }

  #withCustomerNumbers(login: Omit<Login, 'customerNumbers'>): Login {
    const customerNumbers = [...this.#accounts.values()]
      .filter((a) => a.status === 'migrated' && a.loginId === login.id)
      .map((a) => a.customerNumber)
      .sort();
    return { ...structuredClone(login), customerNumbers };
  }

  /**
   * Every customer account and every login (with the customer numbers it opens), as
   * copies: for tests that check invariants over the whole store. Not part of the port.
   */
  snapshot(): { accounts: Account[]; logins: Login[] } {
    return {
      accounts: [...this.#accounts.values()].map((a) => structuredClone(a)),
      logins: [...this.#logins.values()].map((l) => this.#withCustomerNumbers(l)),
    };
  }

  async findById(id: string): Promise<Account | null> {
    return this.#find((a) => a.id === id);
  }

  async findByLegacyUsername(username: string): Promise<Account | null> {
    return this.#find((a) => lower(a.legacyUsername) === lower(username));
  }

  async findByCustomerNumber(customerNumber: string): Promise<Account | null> {
    return this.#find((a) => a.customerNumber === customerNumber.trim());
  }

  async findByRegisteredEmail(email: string): Promise<Account[]> {
    return [...this.#accounts.values()]
      .filter((a) => lower(a.registeredEmail) === lower(email))
      .map((a) => structuredClone(a))
      .sort((a, b) => a.customerNumber.localeCompare(b.customerNumber));
  }

  async findLogin(id: string): Promise<Login | null> {
    return this.#login((l) => l.id === id);
  }

  async findLoginByEmail(email: string): Promise<Login | null> {
    return this.#login((l) => lower(l.email) === lower(email));
  }

  async findByFlowTokenHash(flowTokenHash: string): Promise<Flow | null> {
    const account = this.#find((a) => openChallenge(a)?.flowTokenHash === flowTokenHash);
    if (account?.status === 'pending_renewal') return { holder: 'account', account };
    const login = this.#login((l) => l.recovery?.flowTokenHash === flowTokenHash);
    return login ? { holder: 'login', login } : null;
  }

  async save(changes: Changes): Promise<SaveResult> {
    const { account, login } = changes;
    if (account && this.#accounts.get(account.next.id)?.version !== account.expectedVersion)
      return Err({ code: 'conflict' });
    if (login) {
      const stored = this.#logins.get(login.next.id);
      if (login.expectedVersion === null) {
        if (stored || this.#login((l) => lower(l.email) === lower(login.next.email)))
          return Err({ code: 'conflict' });
      } else if (stored?.version !== login.expectedVersion) return Err({ code: 'conflict' });
    }
    if (account?.next.status === 'migrated') {
      const loginId = account.next.loginId;
      if (login?.next.id !== loginId && !this.#logins.has(loginId))
        throw new Error(`account ${account.next.id} refers to a missing login ${loginId}`);
    }
    if (login) {
      const { customerNumbers: _derived, ...stored } = login.next;
      this.#logins.set(stored.id, structuredClone(stored));
    }
    if (account) this.#store(account.next);
    this.#outbox.enqueue(changes.effects.flatMap((e) => (e.type === 'email' ? [e.email] : [])));
    await this.#audit.append(changes.effects.flatMap((e) => (e.type === 'audit' ? [e.entry] : [])));
    return Ok(undefined);
  }

  /**
   * Writes an account (not by an import): its line digest goes when what the line said
   * changes, as the SQL trigger does it.
   */
  #store(next: Account): void {
    const before = this.#accounts.get(next.id);
    const same = (a: Account | undefined, b: Account) =>
      a?.status === 'legacy' &&
      b.status === 'legacy' &&
      a.customerNumber === b.customerNumber &&
      a.legacyUsername === b.legacyUsername &&
      a.registeredEmail === b.registeredEmail &&
      a.legacyPasswordHash === b.legacyPasswordHash;
    if (!same(before, next)) this.#digests.delete(next.id);
    this.#accounts.set(next.id, structuredClone(next));
  }

  async importedLineDigests(): Promise<Uint32Array> {
    const pairs: number[] = [];
    for (const [id, digest] of this.#digests)
      if (this.#accounts.get(id)?.status === 'legacy') pairs.push(...digest);
    return Uint32Array.from(pairs);
  }

  async countByStatus(): Promise<Record<AccountStatus | 'logins', number>> {
    const counts = { legacy: 0, pending_renewal: 0, migrated: 0, logins: this.#logins.size };
    for (const a of this.#accounts.values()) counts[a.status]++;
    return counts;
  }

  /** Accounts not yet renewed, in id order. */
  #notRenewed(): (Account & { legacyPasswordHash: string })[] {
    return [...this.#accounts.values()]
      .filter((a) => a.status !== 'migrated')
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) as (Account & {
      legacyPasswordHash: string;
    })[];
  }

  #weak(): (Account & { legacyPasswordHash: string })[] {
    return this.#notRenewed().filter((a) => isWeakLegacyHash(a.legacyPasswordHash));
  }

  async findWeakLegacyHashes(limit: number, afterId: string | null): Promise<WeakLegacyHash[]> {
    return page(this.#weak(), limit, afterId);
  }

  async findLegacyHashes(limit: number, afterId: string | null): Promise<LegacyHash[]> {
    return page(this.#notRenewed(), limit, afterId);
  }

  async replaceLegacyHash(
    accountId: string,
    expected: string,
    next: string,
    now: Date,
  ): Promise<boolean> {
    const account = this.#accounts.get(accountId);
    if (!account || account.status === 'migrated' || account.legacyPasswordHash !== expected)
      return false;
    this.#store({
      ...account,
      legacyPasswordHash: next,
      version: account.version + 1,
      updatedAt: now,
    });
    return true;
  }

  async countWeakLegacyHashes(): Promise<number> {
    return this.#weak().length;
  }

  async importLegacy(
    rows: AsyncIterable<LegacyImportRow | readonly LegacyImportRow[]>,
    options: { dryRun: boolean; now: Date; kept?: ImportedLines },
  ): Promise<ImportOutcome> {
    const outcome: ImportOutcome = {
      inserted: 0,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      rejected: [],
      emailMissing: 0,
      emailInvalid: 0,
      emailShared: 0,
    };
    const byCustomer = new Map<string, number>();
    const byUsername = new Map<string, number>();
    const accepted: LegacyImportRow[] = [];
    const writes: LegacyAccount[] = [];
    const reject = (row: LegacyImportRow, reason: string) =>
      outcome.rejected.push({ line: row.line, reason } as RejectedRow);

    const all: LegacyImportRow[] = [];
    for await (const item of rows)
      all.push(...(Array.isArray(item) ? item : [item as LegacyImportRow]));
    // the kept lines (claimed while the rows streamed by) are the rows that made their
    // accounts: merged back at their lines, they are classified as if read and validated
    all.push(...this.#keptRows(options.kept));
    all.sort((a, b) => a.line - b.line);
    const digests = new Map<string, LineDigest | undefined>();

    for (const row of all) {
      // the first line of a customer number or username wins, even if it is rejected later
      const firstCustomer = byCustomer.get(row.customerNumber) ?? row.line;
      const firstUsername = byUsername.get(lower(row.username)) ?? row.line;
      byCustomer.set(row.customerNumber, firstCustomer);
      byUsername.set(lower(row.username), firstUsername);
      if (firstCustomer < row.line) {
        reject(
          row,
          `duplicate customer_number ${row.customerNumber} (first at line ${firstCustomer})`,
        );
        continue;
      }
      if (firstUsername < row.line) {
        reject(row, `duplicate username ${row.username} (first at line ${firstUsername})`);
        continue;
      }
      const owner = await this.findByLegacyUsername(row.username);
      if (owner && owner.customerNumber !== row.customerNumber) {
        reject(row, `username ${row.username} belongs to customer ${owner.customerNumber}`);
        continue;
      }

      const existing = await this.findByCustomerNumber(row.customerNumber);
      if (existing && existing.status !== 'legacy') {
        outcome.skipped++;
        continue;
      }
      accepted.push(row);
      if (!existing) {
        outcome.inserted++;
        const id = globalThis.crypto.randomUUID();
        digests.set(id, row.digest);
        writes.push({
          status: 'legacy',
          id,
          customerNumber: row.customerNumber,
          legacyUsername: row.username,
          registeredEmail: row.email,
          legacyPasswordHash: row.passwordHash,
          version: 1,
          createdAt: options.now,
          updatedAt: options.now,
          failedLogins: 0,
          lastFailedLoginAt: null,
          wrongCodesAt: [],
          anonymousWrongCodesAt: [],
          recentSends: [],
        });
      } else if (
        existing.legacyUsername !== row.username ||
        existing.registeredEmail !== row.email ||
        existing.legacyPasswordHash !== row.passwordHash
      ) {
        outcome.updated++;
        digests.set(existing.id, row.digest);
        writes.push({
          ...existing,
          legacyUsername: row.username,
          registeredEmail: row.email,
          legacyPasswordHash: row.passwordHash,
          version: existing.version + 1,
          updatedAt: options.now,
        });
      } else {
        outcome.unchanged++;
        if (row.digest) digests.set(existing.id, row.digest);
      }
    }

    // Shared: the same email on another accepted row, or on another account in the store.
    const emailOwners = new Map<string, Set<string>>();
    const note = (email: string | null, customer: string) => {
      if (!lower(email)) return;
      const set = emailOwners.get(lower(email)) ?? new Set<string>();
      set.add(customer);
      emailOwners.set(lower(email), set);
    };
    for (const a of this.#accounts.values()) note(a.registeredEmail, a.customerNumber);
    for (const l of this.#logins.values()) note(l.email, `login:${l.id}`);
    for (const row of accepted) note(row.email, row.customerNumber);
    for (const row of accepted) {
      if (!row.email) outcome.emailMissing++;
      else if (!row.emailValid) outcome.emailInvalid++;
      else if ((emailOwners.get(lower(row.email))?.size ?? 0) > 1) outcome.emailShared++;
    }

    if (!options.dryRun) {
      for (const account of writes) this.#accounts.set(account.id, structuredClone(account));
      for (const [id, digest] of digests)
        if (digest) this.#digests.set(id, [...digest]);
        else this.#digests.delete(id);
    }
    return outcome;
  }

  /** The rows of the kept lines, from their accounts. */
  *#keptRows(kept: ImportedLines | undefined): Iterable<LegacyImportRow> {
    if (!kept) return;
    for (const [id, digest] of this.#digests) {
      const account = this.#accounts.get(id);
      const line = kept.lineOf(digest);
      if (line === 0 || account?.status !== 'legacy') continue;
      yield {
        line,
        customerNumber: account.customerNumber,
        username: account.legacyUsername,
        email: account.registeredEmail,
        emailValid: (digest[1] & 3) === 2,
        passwordHash: account.legacyPasswordHash,
        digest,
      };
    }
  }

  async findUnknownIdentifier(key: string): Promise<UnknownIdentifier | null> {
    const found = this.#unknown.get(key);
    return found ? structuredClone(found) : null;
  }

  async recordUnknownIdentifierFailure(key: string, now: Date, entry: AuditEntry): Promise<void> {
    const before = this.#unknown.get(key);
    this.#unknown.set(key, {
      key,
      failedLogins: (before?.failedLogins ?? 0) + 1,
      lastFailedLoginAt: now,
    });
    await this.#audit.append([entry]);
  }
}

/** The hashes of `accounts` (in id order) after `afterId`, at most `limit`. */
const page = (
  accounts: (Account & { legacyPasswordHash: string })[],
  limit: number,
  afterId: string | null,
): LegacyHash[] =>
  accounts
    .filter((a) => afterId === null || a.id > afterId)
    .slice(0, limit)
    .map((a) => ({ accountId: a.id, hash: a.legacyPasswordHash }));
