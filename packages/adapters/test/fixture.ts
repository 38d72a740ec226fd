import type {
  Account,
  AccountRepository,
  AuditLog,
  LegacyImportRow,
  Outbox,
  SessionStore,
} from '@renueva/domain';

/** What every store implementation hands the contract suites: fresh, empty ports. */
export interface StoreFixture {
  accounts: AccountRepository;
  sessions: SessionStore;
  outbox: Outbox;
  audit: AuditLog;
}

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
