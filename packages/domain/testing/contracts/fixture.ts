import type {
  Account,
  AccountRepository,
  AuditLog,
  DeliveryEvents,
  LegacyImportRow,
  Login,
  Outbox,
  SessionStore,
} from '@renueva/domain';

/** What every store implementation hands the contract suites: fresh, empty ports. */
export interface StoreFixture {
  accounts: AccountRepository;
  sessions: SessionStore;
  outbox: Outbox;
  audit: AuditLog;
  deliveryEvents: DeliveryEvents;
}

/** Makes fresh, empty stores: called before each test of a contract suite. */
export type MakeFixture = () => Promise<StoreFixture>;

export const T0 = new Date('2026-03-02T16:00:00.000Z');
export const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

export async function* rowsOf(rows: Partial<LegacyImportRow>[]): AsyncIterable<LegacyImportRow> {
  for (const [i, r] of rows.entries()) {
    const n = String(1000 + i);
    yield {
      line: i + 2,
      customerNumber: n,
      username: `user${n}`,
      email: `user${n}@example.mx`,
      emailValid: true,
      passwordHash: `plain:pw${n}`,
      ...r,
    };
  }
}

/** Imports legacy accounts and returns them (the only way accounts are created). */
export async function seed(
  accounts: AccountRepository,
  rows: Partial<LegacyImportRow>[],
): Promise<Account[]> {
  const outcome = await accounts.importLegacy(rowsOf(rows), { dryRun: false, now: T0 });
  if (outcome.rejected.length > 0) throw new Error(JSON.stringify(outcome.rejected));
  const found: Account[] = [];
  for (const [i, r] of rows.entries()) {
    const a = await accounts.findByCustomerNumber(r.customerNumber ?? String(1000 + i));
    if (a) found.push(a);
  }
  return found;
}

/**
 * Seeds one legacy account per email and migrates each into a login of its own, the way
 * a renewal does (one save writes the account and the new login). Returns the logins.
 */
export async function seedLogins(accounts: AccountRepository, emails: string[]): Promise<Login[]> {
  const seeded = await seed(
    accounts,
    emails.map((email, i) => ({ customerNumber: String(9000 + i), username: `login${i}`, email })),
  );
  const logins: Login[] = [];
  for (const [i, a] of seeded.entries()) {
    const login: Login = {
      id: `00000000-0000-4000-9000-${String(i + 1).padStart(12, '0')}`,
      email: emails[i] as string,
      passwordHash: '$argon2id$fake',
      passwordChangedAt: T0,
      recovery: null,
      customerNumbers: [a.customerNumber],
      failedLogins: 0,
      lastFailedLoginAt: null,
      wrongCodesAt: [],
      anonymousWrongCodesAt: [],
      recentSends: [],
      version: 1,
      createdAt: T0,
      updatedAt: T0,
    };
    (
      await accounts.save({
        account: {
          next: {
            id: a.id,
            customerNumber: a.customerNumber,
            legacyUsername: a.legacyUsername,
            registeredEmail: a.registeredEmail,
            status: 'migrated',
            loginId: login.id,
            migratedAt: T0,
            version: a.version + 1,
            createdAt: a.createdAt,
            updatedAt: T0,
          },
          expectedVersion: a.version,
        },
        login: { next: login, expectedVersion: null },
        effects: [],
      })
    ).unwrap();
    logins.push(login);
  }
  return logins;
}
