import {
  type Account,
  type AccountRepository,
  createUseCases,
  type Login,
  type Ports,
} from '@renueva/domain';
import { createMemoryPorts, numRuns, seedLegacyAccounts } from '@renueva/domain/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Database, migrate, openDatabase } from '../src/index.js';
import { freshPostgresUrl, requirePostgres } from '../src/testing/index.js';
import { emptyTables, sqlPorts } from './sql-fixture.js';

/**
 * The login invariants of issue 8, checked after every step of random runs (renewals,
 * recoveries, sign-ins, wrong codes, time passing) over customer numbers that share an
 * email, on every store:
 * - every migrated customer number belongs to exactly one existing login that opens it;
 * - no two logins share an email in any case;
 * - a login always has at least one customer number;
 * - a customer number never holds a legacy hash and a login at once;
 * - joining never drops a number (a login's numbers only grow).
 */
const CUSTOMERS = [
  { username: 'flota1', customerNumber: '701', email: 'admin@flota.mx', password: 'legacy-1' },
  { username: 'flota2', customerNumber: '702', email: 'ADMIN@flota.mx', password: 'legacy-2' },
  { username: 'flota3', customerNumber: '703', email: 'Admin@Flota.MX', password: 'legacy-3' },
  { username: 'solo', customerNumber: '704', email: 'solo@x.mx', password: 'legacy-4' },
];
const EMAILS = ['admin@flota.mx', 'solo@x.mx'];
const NEW_PASSWORDS = ['una frase bastante larga', 'otra frase también larga'];
const ctx = { ip: '203.0.113.9', userAgent: 'invariants' };

type Step =
  | { op: 'sign_in_legacy'; who: number; right: boolean }
  | { op: 'sign_in_email'; email: number; password: number }
  | { op: 'recover'; who: number; byEmail: boolean }
  | { op: 'complete'; who: number; right: boolean; password: number }
  | { op: 'wait'; seconds: number };

const mostly = fc.constantFrom(true, true, true, false);
// weighted so that most runs renew several customer numbers of one email (joins)
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('sign_in_legacy' as const),
      who: fc.nat(3),
      right: mostly,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('sign_in_email' as const),
      email: fc.nat(1),
      password: fc.nat(1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('recover' as const),
      who: fc.nat(3),
      byEmail: fc.boolean(),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('complete' as const),
      who: fc.nat(3),
      right: mostly,
      password: fc.nat(1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('wait' as const),
      seconds: fc.constantFrom(30, 61, 700, 3600),
    }),
  },
);

/** Reads every account and login through the port and checks the invariants. */
async function checkInvariants(accounts: AccountRepository, seen: Map<string, string[]>) {
  const all = (await Promise.all(
    CUSTOMERS.map((c) => accounts.findByCustomerNumber(c.customerNumber)),
  )) as Account[];
  const logins = new Map<string, Login>();
  for (const a of all) {
    expect(a).not.toBeNull();
    if (a.status !== 'migrated') {
      expect(a).not.toHaveProperty('loginId');
      expect(a.legacyPasswordHash).toBeTruthy();
      continue;
    }
    expect(a).not.toHaveProperty('legacyPasswordHash');
    const login = await accounts.findLogin(a.loginId);
    expect(login?.customerNumbers).toContain(a.customerNumber);
    if (login) logins.set(login.id, login);
  }
  const emails = [...logins.values()].map((l) => l.email.toLowerCase());
  expect(new Set(emails).size).toBe(emails.length);
  for (const login of logins.values()) {
    expect(login.customerNumbers.length).toBeGreaterThan(0);
    expect(await accounts.findLoginByEmail(login.email.toUpperCase())).toEqual(login);
    for (const n of seen.get(login.id) ?? []) expect(login.customerNumbers).toContain(n);
    seen.set(login.id, [...login.customerNumbers]);
  }
}

/** Runs the steps; a flow token and the code sent for it are kept per customer. */
async function run(
  ports: Ports & { secrets: { codes: string[] }; clock: { advance(s: number): void } },
  steps: Step[],
  after: () => Promise<void>,
) {
  const uc = createUseCases(ports);
  const flows = new Map<number, { token: string; code: string | null }>();
  const codes = () => ports.secrets.codes.length;
  for (const s of steps) {
    const before = codes();
    const newCode = () => (codes() > before ? (ports.secrets.codes.at(-1) as string) : null);
    switch (s.op) {
      case 'sign_in_legacy': {
        const c = CUSTOMERS[s.who] as (typeof CUSTOMERS)[number];
        const r = await uc.logIn({
          identifier: c.username,
          password: s.right ? c.password : 'wrong',
          context: ctx,
        });
        if (r.isOk() && r.value.kind === 'renewal_started')
          flows.set(s.who, {
            token: r.value.flowToken,
            code: newCode() ?? flows.get(s.who)?.code ?? null,
          });
        break;
      }
      case 'sign_in_email':
        await uc.logIn({
          identifier: EMAILS[s.email] as string,
          password: NEW_PASSWORDS[s.password] as string,
          context: ctx,
        });
        break;
      case 'recover': {
        const c = CUSTOMERS[s.who] as (typeof CUSTOMERS)[number];
        const r = await uc.requestRecovery({
          identifier: s.byEmail ? c.email : c.username,
          context: ctx,
        });
        flows.set(s.who, {
          token: r.unwrap().flowToken,
          code: newCode() ?? flows.get(s.who)?.code ?? null,
        });
        break;
      }
      case 'complete': {
        // no flow of that customer: the latest one (so that most runs complete something)
        const flow = flows.get(s.who) ?? [...flows.values()].at(-1);
        if (!flow?.code) break;
        const password = NEW_PASSWORDS[s.password] as string;
        const input = {
          flowToken: flow.token,
          code: s.right ? flow.code : flow.code === '000000' ? '111111' : '000000',
          newPassword: password,
          confirmation: password,
          context: ctx,
        };
        const renewal = await uc.completeRenewal(input);
        if (renewal.isErr() && renewal.error.code === 'flow_invalid')
          await uc.completeRecovery(input);
        break;
      }
      case 'wait':
        ports.clock.advance(s.seconds);
        break;
    }
    await after();
  }
}

function property(
  make: () => Promise<ReturnType<typeof createMemoryPorts>>,
  extra?: () => Promise<void>,
) {
  return fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
    const ports = await make();
    await seedLegacyAccounts(ports, CUSTOMERS);
    const seen = new Map<string, string[]>();
    await run(ports, steps, async () => {
      await checkInvariants(ports.accounts, seen);
      await extra?.();
    });
  });
}

/** The same invariants, straight from the tables. */
async function checkTables(db: Database) {
  const [row] = await db.query<Record<string, string | number>>(`SELECT
    (SELECT count(*) FROM logins l WHERE NOT EXISTS
      (SELECT 1 FROM accounts a WHERE a.login_id = l.id)) AS empty_logins,
    (SELECT count(*) FROM (SELECT lower(email) FROM logins GROUP BY 1 HAVING count(*) > 1) d) AS shared_emails,
    (SELECT count(*) FROM accounts WHERE (status = 'migrated') <> (login_id IS NOT NULL)
      OR (login_id IS NOT NULL AND legacy_password_hash IS NOT NULL)) AS bad_accounts`);
  expect(Object.values(row ?? {}).map(Number)).toEqual([0, 0, 0]);
}

async function sqlProperty(open: () => Promise<Database>, runs: number) {
  const db = await open();
  await migrate(db);
  try {
    await fc.assert(
      property(
        async () => {
          await emptyTables(db);
          return sqlPorts(db);
        },
        () => checkTables(db),
      ),
      { numRuns: numRuns(runs) },
    );
  } finally {
    await db.close();
  }
}

describe('login invariants after every step of random runs', () => {
  it('on the memory store', async () => {
    await fc.assert(
      property(async () => createMemoryPorts()),
      { numRuns: numRuns(300) },
    );
  });

  it('on PGlite', async () => {
    await sqlProperty(() => openDatabase({ dataDir: null }), 10);
  }, 120_000); // PGlite: about 7 s alone, slower on a loaded CI machine

  it.skipIf(!requirePostgres())('on PostgreSQL', async () => {
    await sqlProperty(
      async () => openDatabase({ databaseUrl: await freshPostgresUrl(), maxConnections: 4 }),
      25,
    );
  });
});
