import { numRuns } from '@renueva/domain/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DomainError, Login, Result, UseCases } from '../../src/index.js';
import { lastCodeFor, type MemoryPorts } from '../../testing/index.js';
import { ctx, DIEGO, setup } from './setup.js';

/**
 * The model: far simpler than the system. One customer: their status, the password
 * that opens the account now, the clock, the last code emailed (with when), and the
 * wrong passwords since the password was last proven (with the last one's time).
 * It never calls domain code; it only says which outcomes are possible.
 */
interface Model {
  status: 'legacy' | 'pending' | 'migrated';
  password: string;
  now: number;
  lastCode: { code: string; at: number } | null;
  failures: number;
  lastFailureAt: number;
  /** The email's failed sign-ins while it is no one's login: it backs off all the same. */
  unknownFailures: number;
  unknownLastFailureAt: number;
  /** Which flow the client holds: from a sign-in (renewal) or a recovery request. */
  flow: 'renewal' | 'recovery' | null;
}

interface Real {
  uc: UseCases;
  ports: MemoryPorts;
  flow: string | null;
  session: string | null;
  /** Every login's customer numbers when last seen, to check that none is ever dropped. */
  seen: Map<string, readonly string[]>;
}

const CODE_LIFETIME = 600_000;
const PASSWORDS = ['una frase bastante larga', 'otra frase también larga'];

/** The default back-off: after 5 wrong passwords, 2^(n-5) s after the last one, at most 15 min. */
function signInBlocked(m: Model, failures = m.failures, lastFailureAt = m.lastFailureAt): boolean {
  if (failures >= 100) return true;
  if (failures < 5) return false;
  const delay = Math.min(2 ** (failures - 5), 900) * 1000;
  return m.now < lastFailureAt + delay;
}

const status = async (r: Real) =>
  (await r.ports.accounts.findByLegacyUsername(DIEGO.username))?.status;
const codeOf = (r: Real) => lastCodeFor(r.ports.outbox, DIEGO.email);
const errorCode = <T>(x: Result<T, DomainError>) => (x.isErr() ? x.error.code : null);

/** Read the newest code email into the model (the customer reads their inbox). */
function readInbox(m: Model, r: Real) {
  const code = codeOf(r);
  if (code && code !== m.lastCode?.code) m.lastCode = { code, at: m.now };
}

async function sameStatus(m: Model, r: Real) {
  expect(await status(r)).toBe(
    { legacy: 'legacy', pending: 'pending_renewal', migrated: 'migrated' }[m.status],
  );
}

class SignIn implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly by: 'username' | 'email',
    readonly rightPassword: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const identifier = this.by === 'username' ? DIEGO.username : DIEGO.email;
    const password = this.rightPassword ? m.password : 'not the password';
    const out = await r.uc.logIn({ identifier, password, context: ctx });
    const kind = out.isOk() ? out.value.kind : out.error.code;
    // an email is no one's login until the account is migrated: unknown, and it backs
    // off exactly like a known identifier would
    const known = this.by === 'username' || m.status === 'migrated';
    if (!known) {
      if (signInBlocked(m, m.unknownFailures, m.unknownLastFailureAt))
        expect(kind).toBe('throttled');
      else {
        expect(kind).toBe('invalid_credentials');
        m.unknownFailures += 1;
        m.unknownLastFailureAt = m.now;
      }
    } else if (signInBlocked(m)) expect(kind).toBe('throttled');
    else if (!this.rightPassword) {
      expect(kind).toBe('invalid_credentials');
      m.failures += 1;
      m.lastFailureAt = m.now;
    } else if (m.status === 'migrated')
      expect(kind).toBe(this.by === 'email' ? 'signed_in' : 'login_is_email');
    else expect(['renewal_started', 'throttled']).toContain(kind); // throttled: hourly sends

    if (kind === 'signed_in' || kind === 'renewal_started') m.failures = 0;
    if (out.isOk() && out.value.kind === 'renewal_started') {
      m.status = 'pending';
      m.flow = 'renewal';
      r.flow = out.value.flowToken;
    }
    if (out.isOk() && out.value.kind === 'signed_in') r.session = out.value.sessionToken;
    readInbox(m, r);
    await sameStatus(m, r);
  }
  toString = () => `SignIn(${this.by}, ${this.rightPassword ? 'right' : 'wrong'})`;
}

class Resend implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    const out = await r.uc.resendRenewalCode({ flowToken: r.flow ?? 'none', context: ctx });
    if (out.isOk()) expect([m.status, m.flow]).toEqual(['pending', 'renewal']);
    else expect(['flow_invalid', 'resend_too_soon', 'throttled']).toContain(out.error.code);
    readInbox(m, r);
    await sameStatus(m, r);
  }
  toString = () => 'Resend';
}

class EnterCode implements fc.AsyncCommand<Model, Real> {
  constructor(readonly right: boolean) {}
  check = (m: Readonly<Model>) => m.lastCode !== null;
  async run(m: Model, r: Real) {
    const code = this.right
      ? (m.lastCode?.code as string)
      : m.lastCode?.code === '000000'
        ? '111111'
        : '000000';
    const next = PASSWORDS.find((p) => p !== m.password) as string;
    const input = {
      flowToken: r.flow ?? 'none',
      code,
      newPassword: next,
      confirmation: next,
      context: ctx,
    };
    const out =
      m.flow === 'recovery'
        ? await r.uc.completeRecovery(input)
        : await r.uc.completeRenewal(input);
    const fresh = m.lastCode !== null && m.now - m.lastCode.at < CODE_LIFETIME;
    if (out.isOk()) {
      expect(this.right && fresh).toBe(true);
      m.status = 'migrated';
      m.password = next;
      m.failures = 0;
      r.session = null;
    } else if (m.flow === 'recovery') {
      // one answer for every code failure, so an unknown account's flow reads the same
      expect(errorCode(out)).toBe('code_rejected');
    } else if (this.right) {
      expect(['code_expired', 'code_exhausted', 'throttled', 'flow_invalid']).toContain(
        errorCode(out),
      );
      if (errorCode(out) === 'code_expired') expect(fresh).toBe(false);
    } else {
      expect([
        'code_invalid',
        'code_exhausted',
        'code_expired',
        'throttled',
        'flow_invalid',
      ]).toContain(errorCode(out));
    }
    await sameStatus(m, r);
  }
  toString = () => `EnterCode(${this.right ? 'right' : 'wrong'})`;
}

class Recover implements fc.AsyncCommand<Model, Real> {
  constructor(readonly by: 'username' | 'email') {}
  check = () => true;
  async run(m: Model, r: Real) {
    const identifier = this.by === 'username' ? DIEGO.username : DIEGO.email;
    const out = await r.uc.requestRecovery({ identifier, context: ctx });
    expect(out.isOk()).toBe(true); // always the same answer
    r.flow = out.unwrap().flowToken;
    m.flow = 'recovery';
    const known = this.by === 'username' || m.status === 'migrated';
    if (known && m.status === 'legacy' && codeOf(r)) m.status = 'pending';
    readInbox(m, r);
    await sameStatus(m, r);
  }
  toString = () => `Recover(${this.by})`;
}

class Wait implements fc.AsyncCommand<Model, Real> {
  constructor(readonly seconds: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    m.now += this.seconds * 1000;
    r.ports.clock.advance(this.seconds);
  }
  toString = () => `Wait(${this.seconds}s)`;
}

class LogOut implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(_m: Model, r: Real) {
    if (r.session) {
      (await r.uc.logOut({ token: r.session })).unwrap();
      expect(errorCode(await r.uc.validateSession({ token: r.session }))).toBe('session_invalid');
      r.session = null;
    }
  }
  toString = () => 'LogOut';
}

/**
 * Another customer number's renewal, start to end: flotilla01 and flotilla02 share one
 * email, so whichever renews second joins the login of the first. Not in the model
 * (Diego's outcomes do not depend on it): it is there so that the invariants see joins.
 */
class RenewOther implements fc.AsyncCommand<Model, Real> {
  constructor(readonly username: 'flotilla01' | 'flotilla02') {}
  check = () => true;
  async run(_m: Model, r: Real) {
    const out = await r.uc.logIn({
      identifier: this.username,
      password: 'legacy-pass',
      context: ctx,
    });
    const kind = out.isOk() ? out.value.kind : out.error.code;
    // migrated: its legacy password opens nothing any more; throttled: hourly sends
    expect(['renewal_started', 'invalid_credentials', 'throttled']).toContain(kind);
    if (!out.isOk() || out.value.kind !== 'renewal_started') return;
    const password = 'una flota bien organizada';
    const done = await r.uc.completeRenewal({
      flowToken: out.value.flowToken,
      code: lastCodeFor(r.ports.outbox, 'admin@flotillas.mx') ?? 'none',
      newPassword: password,
      confirmation: password,
      context: ctx,
    });
    expect(done.isOk()).toBe(true);
  }
  toString = () => `RenewOther(${this.username})`;
}

/**
 * The login invariants (issue 8), over the whole store: every migrated customer number
 * belongs to exactly one existing login, which opens it; no two logins share an email in
 * any case; a login has at least one customer number; a customer number never holds a
 * legacy hash and a login at once; a login's customer numbers are never dropped.
 */
function expectInvariants(r: Real) {
  const { accounts, logins } = r.ports.accounts.snapshot();
  const opening = (customerNumber: string): Login[] =>
    logins.filter((l) => l.customerNumbers.includes(customerNumber));
  for (const a of accounts) {
    const owners = opening(a.customerNumber).map((l) => l.id);
    if (a.status === 'migrated') expect(owners).toEqual([a.loginId]);
    else expect(owners).toEqual([]);
    const holdsLogin = a.status === 'migrated' || owners.length > 0;
    expect('legacyPasswordHash' in a && holdsLogin).toBe(false);
  }
  const emails = logins.map((l) => l.email.toLowerCase());
  expect(new Set(emails).size).toBe(emails.length);
  for (const login of logins) {
    expect(login.customerNumbers.length).toBeGreaterThan(0);
    expect(login.customerNumbers).toEqual(
      expect.arrayContaining([...(r.seen.get(login.id) ?? [])]),
    );
    r.seen.set(login.id, login.customerNumbers);
  }
  expect([...r.seen.keys()].sort()).toEqual(logins.map((l) => l.id).sort()); // none vanished
}

/** Any command, then the invariants, whatever the command did. */
class Checked implements fc.AsyncCommand<Model, Real> {
  constructor(readonly command: fc.AsyncCommand<Model, Real>) {}
  check = (m: Readonly<Model>) => this.command.check(m);
  async run(m: Model, r: Real) {
    await this.command.run(m, r);
    expectInvariants(r);
  }
  toString = () => this.command.toString();
}

const commands = [
  fc
    .constantFrom('username' as const, 'email' as const)
    .chain((by) => fc.boolean().map((ok) => new SignIn(by, ok))),
  fc.constant(new Resend()),
  fc.boolean().map((right) => new EnterCode(right)),
  fc.constantFrom('username' as const, 'email' as const).map((by) => new Recover(by)),
  fc.constantFrom(5, 61, 400, 3600).map((s) => new Wait(s)),
  fc.constant(new LogOut()),
  fc.constantFrom('flotilla01' as const, 'flotilla02' as const).map((u) => new RenewOther(u)),
].map((command) => command.map((c): fc.AsyncCommand<Model, Real> => new Checked(c)));

describe('model-based: the whole flow against a simple model', () => {
  it('agrees with the model on every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: 'large' }), async (cmds) => {
        const s = await setup();
        const model: Model = {
          status: 'legacy',
          password: DIEGO.password,
          now: s.ports.clock.now().getTime(),
          lastCode: null,
          failures: 0,
          lastFailureAt: 0,
          unknownFailures: 0,
          unknownLastFailureAt: 0,
          flow: null,
        };
        const real: Real = {
          uc: s.uc,
          ports: s.ports,
          flow: null,
          session: null,
          seen: new Map(),
        };
        await fc.asyncModelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: numRuns(300) },
    );
  }, 120_000); // about 9 s alone; several times that on a loaded 2-core machine
});
