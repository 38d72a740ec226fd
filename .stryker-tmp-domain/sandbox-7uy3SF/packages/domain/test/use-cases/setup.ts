import {
  createUseCases,
  type LogInOutcome,
  type Policies,
  type RequestContext,
  type Result,
} from '../../src/index.js';
import { createMemoryPorts, lastCodeFor, seedLegacyAccounts } from '../../testing/index.js';

export const ctx: RequestContext = { ip: '203.0.113.7', userAgent: 'vitest' };
export const DIEGO = {
  username: 'dbarronrmz1',
  password: 'Gasolina2019',
  customerNumber: '2242455',
  email: 'diego.barron.rmz@oxxogas.com',
};
export const NEW_PASSWORD = 'una frase bastante larga';

/** Memory ports with a few legacy accounts, and shortcuts for the common steps. */
export async function setup(policies?: Partial<Policies>) {
  const base = createMemoryPorts();
  const ports = policies ? { ...base, policies: { ...base.policies, ...policies } } : base;
  await seedLegacyAccounts(ports, [
    DIEGO,
    { username: 'SinCorreo', password: 'legacy-pass', customerNumber: '100', email: null },
    {
      username: 'CorreoMalo',
      password: 'legacy-pass',
      customerNumber: '101',
      email: 'facturas@@x',
    },
    {
      username: 'flotilla01',
      password: 'legacy-pass',
      customerNumber: '102',
      email: 'admin@flotillas.mx',
    },
    {
      username: 'flotilla02',
      password: 'legacy-pass',
      customerNumber: '103',
      email: 'ADMIN@flotillas.mx',
    },
  ]);
  const uc = createUseCases(ports);

  const startRenewal = async (identifier = DIEGO.username, password = DIEGO.password) => {
    const r = await uc.logIn({ identifier, password, context: ctx });
    const value = r.unwrap();
    if (value.kind !== 'renewal_started')
      throw new Error(`expected renewal_started, got ${value.kind}`);
    return value as Extract<LogInOutcome, { kind: 'renewal_started' }>;
  };
  const codeFor = (email = DIEGO.email) => lastCodeFor(ports.outbox, email) as string;
  const complete = (
    flowToken: string,
    code: string,
    password = NEW_PASSWORD,
    confirmation = password,
  ) => uc.completeRenewal({ flowToken, code, newPassword: password, confirmation, context: ctx });
  const migrate = async (
    identifier = DIEGO.username,
    password = DIEGO.password,
    email = DIEGO.email,
  ) => {
    const started = await startRenewal(identifier, password);
    (await complete(started.flowToken, codeFor(email))).unwrap();
  };
  const account = async (username = DIEGO.username) => {
    const a = await ports.accounts.findByLegacyUsername(username);
    if (!a) throw new Error(`no account ${username}`);
    return a;
  };
  /** Whose counters a sign-in or a code moves: the account until renewed, then its login. */
  const holder = async (username = DIEGO.username) => {
    const a = await account(username);
    if (a.status !== 'migrated') return a;
    const login = await ports.accounts.findLogin(a.loginId);
    if (!login) throw new Error(`no login for ${username}`);
    return login;
  };
  /** A code that is not the right one. */
  const wrong = (code: string) => (code === '000000' ? '111111' : '000000');
  return { ports, uc, startRenewal, codeFor, complete, migrate, account, holder, wrong };
}

/** The error of a failed Result (throws on success, so tests fail loudly). */
export function errorOf<T, E>(r: Result<T, E>): E {
  if (r.isOk()) throw new Error(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error;
}
