import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRenueva, type Renueva } from '@renueva/adapters';
import { maskEmail } from '@renueva/domain';
import { expect, it } from 'vitest';
import { generateImportFile } from './generate.js';

const exec = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'bin', 'renueva.js');
const NEW_PASSWORD = 'tortuga violeta bajo el puente';
const CONTEXT = { ip: null, userAgent: null };

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI in a child process, like an operator would. */
export function cli(env: NodeJS.ProcessEnv) {
  return async (...args: string[]): Promise<CliRun> => {
    try {
      const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], {
        env: { ...process.env, LOG_LEVEL: 'warn', ...env },
        maxBuffer: 64 * 1024 * 1024,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
}

/** The CLI contract, run against one store (a PGlite directory or a PostgreSQL database). */
export function cliContract(
  env: () => NodeJS.ProcessEnv,
  dir: () => string,
  /** Another, empty store: for a test that must not pay for every row the others imported. */
  freshEnv: () => Promise<NodeJS.ProcessEnv>,
) {
  /** The use cases in this process, on the same store; closed before the CLI runs again. */
  async function withUseCases<T>(
    extra: NodeJS.ProcessEnv,
    f: (r: Renueva) => Promise<T>,
  ): Promise<T> {
    const renueva = await createRenueva({ ...env(), LOG_LEVEL: 'silent', ...extra });
    try {
      return await f(renueva);
    } finally {
      await renueva.close();
    }
  }

  /** A legacy sign-in, then the renewal with the code it emailed (read from the outbox). */
  async function renew(r: Renueva, username: string, legacyPassword: string, email: string) {
    const uc = r.useCases;
    const started = (
      await uc.logIn({ identifier: username, password: legacyPassword, context: CONTEXT })
    ).unwrap();
    if (started.kind !== 'renewal_started') throw new Error(`${username}: not started`);
    const claimed = await r.outbox.claim(new Date(), new Date(Date.now() + 60_000), 100);
    const code = claimed
      .filter((m) => m.email.to.toLowerCase() === email.toLowerCase() && m.email.secret?.code)
      .at(-1)?.email.secret?.code;
    if (!code) throw new Error(`no code emailed to ${email}`);
    return (
      await uc.completeRenewal({
        flowToken: started.flowToken,
        code,
        newPassword: NEW_PASSWORD,
        confirmation: NEW_PASSWORD,
        context: CONTEXT,
      })
    ).unwrap();
  }

  /** The error code of a sign-in (`null` when it succeeds). */
  async function errorOf(r: Renueva, identifier: string, password: string) {
    const result = await r.useCases.logIn({ identifier, password, context: CONTEXT });
    return result.isErr() ? result.error.code : null;
  }

  it('imports a generated 10,000-row file: exact counts and report lines; a second run changes nothing', async () => {
    const run = cli(env());
    const file = join(dir(), 'accounts.csv');
    const expected = await generateImportFile(file, 10_000);
    const report = join(dir(), 'rejected.csv');
    const first = await run('import', file, '--report', report, '--json');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(3); // finished, with rejected rows
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({
      read: 10_000,
      inserted: expected.valid,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      rejected: expected.rejected.length,
      emailMissing: expected.emailMissing,
      emailInvalid: expected.emailInvalid,
      emailShared: 0,
    });
    const lines = readFileSync(report, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('line,reason');
    const got = lines.slice(1).map((l) => {
      const [line, ...reason] = l.split(',');
      return {
        line: Number(line),
        reason: reason.join(',').replace(/^"|"$/g, '').replaceAll('""', '"'),
      };
    });
    expect(got.map((r) => r.line)).toEqual(expected.rejected.map((r) => r.line));
    for (const [i, r] of got.entries()) expect(r.reason).toContain(expected.rejected[i]?.reason);

    const second = JSON.parse((await run('import', file, '--json')).stdout);
    expect(second).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: expected.valid,
      rejected: expected.rejected.length,
    });
  }, 120_000);

  it('a re-run keeps the lines the store holds (all unchanged, nothing touched); a changed byte is validated and merged', async () => {
    const run = cli(env());
    const file = join(dir(), 'rerun.csv');
    const write = (rows: string[]) =>
      writeFileSync(
        file,
        `${['customer_number,username,email,password_hash', ...rows].join('\n')}\n`,
      );
    const lines = [
      '880001,rerun-ana,ana.rerun@x.mx,plain:uno',
      '880002,rerun-beto,beto.rerun@x.mx,plain:dos',
      '880003,rerun-caro,,plain:tres',
      '880004,rerun-dani,no-es-correo,plain:cuatro',
      '880005,rerun-eva,flota.rerun@x.mx,plain:cinco',
      '880006,"rerun-fer",FLOTA.rerun@x.mx,plain:seis',
      '880007,rerun-gil,gil.rerun@x.mx,rot13:nope',
      '880002,rerun-beto2,b2.rerun@x.mx,plain:x',
      '880008,RERUN-ANA,a8.rerun@x.mx,plain:y',
    ];
    const numbers = ['880001', '880002', '880003', '880004', '880005', '880006'];
    const accounts = () =>
      withUseCases({}, (r) => Promise.all(numbers.map((n) => r.accounts.findByCustomerNumber(n))));
    write(lines);
    const first = await run('import', file, '--json');
    expect(first.code).toBe(3);
    const once = JSON.parse(first.stdout);
    expect(once).toMatchObject({
      read: 9,
      inserted: 6,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      rejected: 3,
      emailMissing: 1,
      emailInvalid: 1,
      emailShared: 2,
    });
    expect(once.rejectedRows.map((r: { line: number }) => r.line)).toEqual([8, 9, 10]);
    const stored = await accounts();

    const second = await run('import', file, '--json');
    expect(second.code).toBe(3);
    const twice = JSON.parse(second.stdout);
    expect(twice).toMatchObject({
      read: 9,
      inserted: 0,
      updated: 0,
      unchanged: 6,
      skipped: 0,
      rejected: 3,
      emailMissing: 1,
      emailInvalid: 1,
      emailShared: 2,
    });
    expect(twice.rejectedRows).toEqual(once.rejectedRows);
    expect(await accounts()).toEqual(stored);

    // one byte changed in an email, a hash, a username; a change that is invalid
    write(
      lines
        .with(0, '880001,rerun-ana,anb.rerun@x.mx,plain:uno')
        .with(1, '880002,rerun-beto,beto.rerun@x.mx,plain:doz')
        .with(2, '880003,rerun-carp,,plain:tres')
        .with(3, '880004,rerun dani,no-es-correo,plain:cuatro'),
    );
    const third = await run('import', file, '--json');
    expect(third.code).toBe(3);
    const changed = JSON.parse(third.stdout);
    expect(changed).toMatchObject({
      inserted: 0,
      updated: 3,
      unchanged: 2,
      rejected: 4,
      emailMissing: 1,
      emailInvalid: 0,
      emailShared: 2,
    });
    expect(changed.rejectedRows[0]).toMatchObject({
      line: 5,
      reason: expect.stringMatching(/^invalid username/),
    });
    const [ana, beto, caro, dani, eva] = await accounts();
    const [ana0, beto0, caro0, dani0, eva0] = stored;
    expect(ana).toMatchObject({
      registeredEmail: 'anb.rerun@x.mx',
      version: (ana0?.version ?? 0) + 1,
    });
    expect(beto).toMatchObject({
      legacyPasswordHash: 'plain:doz',
      version: (beto0?.version ?? 0) + 1,
    });
    expect(caro).toMatchObject({ legacyUsername: 'rerun-carp', registeredEmail: null });
    expect(caro?.version).toBe((caro0?.version ?? 0) + 1);
    expect(dani).toEqual(dani0);
    expect(eva).toEqual(eva0);
    // and the re-run of that file changes nothing more
    expect(JSON.parse((await run('import', file, '--json')).stdout)).toMatchObject({
      updated: 0,
      unchanged: 5,
      rejected: 4,
    });
  }, 120_000);

  it('never touches an account migrated between two imports; dry-run writes nothing', async () => {
    const run = cli(env());
    const file = join(dir(), 'small.csv');
    const write = (rows: string[]) =>
      writeFileSync(file, ['customer_number,username,email,password_hash', ...rows].join('\n'));
    write([
      '2242455,dbarronrmz1,diego@oxxogas.com,plain:Gasolina2019',
      '7,otro,otro@x.mx,plain:pw',
    ]);
    expect((await run('import', file)).code).toBe(0);

    const renueva = await createRenueva({ ...env(), LOG_LEVEL: 'silent' });
    try {
      const uc = renueva.useCases;
      const ctx = { ip: null, userAgent: null };
      const started = (
        await uc.logIn({ identifier: 'dbarronrmz1', password: 'Gasolina2019', context: ctx })
      ).unwrap();
      if (started.kind !== 'renewal_started') throw new Error('not started');
      const [message] = await renueva.outbox.claim(new Date(), new Date(), 10);
      const code = message?.email.secret?.code as string;
      (
        await uc.completeRenewal({
          flowToken: started.flowToken,
          code,
          newPassword: 'tortuga violeta bajo el puente',
          confirmation: 'tortuga violeta bajo el puente',
          context: ctx,
        })
      ).unwrap();
    } finally {
      await renueva.close();
    }
    const before = JSON.parse((await run('accounts', 'show', '2242455', '--json')).stdout);
    write(['2242455,dbarronrmz1,cambiado@x.mx,plain:otra', '7,otro,nuevo@x.mx,plain:pw']);
    const dry = JSON.parse((await run('import', file, '--dry-run', '--json')).stdout);
    expect(dry).toMatchObject({ skipped: 1, updated: 1, dryRun: true });
    expect(
      JSON.parse((await run('accounts', 'show', '7', '--json')).stdout).accounts[0].registeredEmail,
    ).toBe('ot**@*.m*');
    const real = JSON.parse((await run('import', file, '--json')).stdout);
    expect(real).toMatchObject({ skipped: 1, updated: 1 });
    expect(JSON.parse((await run('accounts', 'show', '2242455', '--json')).stdout)).toEqual(before);
    expect(
      JSON.parse((await run('accounts', 'show', 'otro', '--json')).stdout).accounts[0]
        .registeredEmail,
    ).toBe('nu***@*.m*');
  }, 120_000);

  it('accounts show never prints a hash, code or token; set-email, stats and outbox work', async () => {
    const run = cli(env());
    const file = join(dir(), 'support.csv');
    writeFileSync(
      file,
      'customer_number,username,email,password_hash\n55,sincorreo,,bcrypt-less:zzz\n56,sincorreo2,,plain:secreto-legado\n',
    );
    const imported = JSON.parse((await run('import', file, '--json')).stdout);
    expect(imported).toMatchObject({ inserted: 1, rejected: 1 });
    const renueva = await createRenueva({ ...env(), LOG_LEVEL: 'silent' });
    await renueva.useCases.requestRecovery({
      identifier: 'dbarronrmz1',
      context: { ip: null, userAgent: null },
    });
    await renueva.close();
    for (const key of ['56', 'SinCorreo2', 'diego@oxxogas.com']) {
      const shown = await run('accounts', 'show', key);
      expect(shown.code).toBe(0);
      expect(shown.stdout).not.toMatch(/plain:|\$argon2|secreto|[0-9a-f]{64}/);
    }
    const json = JSON.parse((await run('accounts', 'show', 'diego@oxxogas.com', '--json')).stdout);
    expect(json.login).toMatchObject({ customerNumbers: ['2242455'] });
    expect(json.login.challenge).toMatchObject({ kind: 'recovery', attempts: 0, sends: 1 });
    expect(json.accounts).toMatchObject([
      { customerNumber: '2242455', status: 'migrated', challenge: null },
    ]);
    expect(JSON.stringify(json)).not.toMatch(/hash|token|code"/i);

    const set = await run('accounts', 'set-email', '56', 'Nuevo@Correo.mx');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('nu***@corr**.m*');
    const malformed = await run('accounts', 'set-email', '56', 'malo');
    expect(malformed.code).toBe(2);
    // the operator reads English, never the portal's Spanish
    expect(malformed.stderr.trim()).toBe('renueva: malo: not a valid email address');
    const missing = await run('accounts', 'set-email', '999', 'a@b.mx');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no account with customer number 999');
    expect((await run('accounts', 'show', 'nadie')).code).toBe(1);

    const stats = JSON.parse((await run('stats', '--json')).stdout);
    expect(stats.accounts.migrated).toBeGreaterThanOrEqual(1);
    expect(stats.accounts.logins).toBeGreaterThanOrEqual(1);
    const human = (await run('stats')).stdout;
    expect(human).toContain('migrated');
    expect(human).toMatch(/^Logins \(emails signing in\):\s+\d+$/m);
    // headings stand alone; no line is a label with nothing after it
    expect(human).toMatch(/^All time$/m);
    expect(human).not.toMatch(/:\s*$/m);
    expect(stats.activity.allTime.recoveriesRequested).toBeGreaterThanOrEqual(1);
    expect(human).toMatch(/^ {2}recoveries requested \(logins\):\s+[1-9]\d*$/m);

    const list = JSON.parse((await run('outbox', 'list', '--json')).stdout);
    expect(list.length).toBeGreaterThan(0);
    // recipients masked like accounts show, in JSON and for people
    expect(list.map((e: { to: string }) => e.to)).toContain(maskEmail('diego@oxxogas.com'));
    const listed = (await run('outbox', 'list')).stdout;
    expect(listed).toContain(maskEmail('diego@oxxogas.com'));
    expect(listed).not.toMatch(/[a-z]@[a-z]+\.[a-z]/i);
    expect(JSON.parse((await run('outbox', 'list', '--dead', '--json')).stdout)).toEqual([]);
    expect((await run('outbox', 'retry', '--all-dead')).stdout).toContain('0 email(s)');
    expect((await run('outbox', 'retry', '12345')).code).toBe(1);
    expect((await run('db', 'migrate')).stdout).toContain('up to date');
  }, 180_000);

  it('a bounced address: accounts show and stats show it, set-email clears it', async () => {
    const run = cli(env());
    const file = join(dir(), 'bounced.csv');
    writeFileSync(
      file,
      'customer_number,username,email,password_hash\n77,rebotado,rebota@correo.mx,plain:secreto-legado\n',
    );
    expect((await run('import', file)).code).toBe(0);
    const before = JSON.parse((await run('stats', '--json')).stdout).delivery;
    await withUseCases({}, async (r) => {
      for (const kind of ['hard_bounce', 'soft_bounce'] as const)
        await r.useCases.recordDeliveryEvent({
          id: `cli-test-${kind}`,
          kind,
          email: 'Rebota@Correo.mx',
          providerMessageId: 'pm-77',
          detail: kind === 'hard_bounce' ? 'HardBounce' : 'SoftBounce',
          at: new Date('2026-03-02T16:00:00Z'),
        });
      const signIn = await r.useCases.logIn({
        identifier: 'rebotado',
        password: 'secreto-legado',
        context: CONTEXT,
      });
      expect(signIn.isErr() && signIn.error.code).toBe('no_deliverable_email');
    });
    const shown = await run('accounts', 'show', '77');
    expect(shown.stdout).toMatch(/^Undeliverable email:\s+reb\*+@corr\*\*\.m\*: hard bounce/im);
    const json = JSON.parse((await run('accounts', 'show', '77', '--json')).stdout);
    expect(json.undeliverable).toEqual([
      expect.objectContaining({ kind: 'hard_bounce', detail: 'HardBounce' }),
    ]);
    const after = JSON.parse((await run('stats', '--json')).stdout).delivery;
    expect(after.hard_bounce - before.hard_bounce).toBe(1);
    expect(after.soft_bounce - before.soft_bounce).toBe(1);
    expect(after.undeliverable - before.undeliverable).toBe(1);
    expect((await run('stats')).stdout).toMatch(/^ {2}undeliverable addresses now:\s+\d+$/m);

    expect((await run('accounts', 'set-email', '77', 'rebota@correo.mx')).code).toBe(0);
    expect(
      JSON.parse((await run('accounts', 'show', '77', '--json')).stdout).undeliverable,
    ).toEqual([]);
    const cleared = JSON.parse((await run('stats', '--json')).stdout).delivery;
    expect(cleared.undeliverable).toBe(before.undeliverable);
  }, 120_000);

  it("a renewed customer number's bounced login email: set-email with that email clears it, another is refused", async () => {
    const run = cli(env());
    const file = join(dir(), 'bounced-login.csv');
    writeFileSync(
      file,
      'customer_number,username,email,password_hash\n78,rebotado2,rebota2@correo.mx,plain:secreto-legado\n',
    );
    expect((await run('import', file)).code).toBe(0);
    await withUseCases({}, async (r) => {
      await renew(r, 'rebotado2', 'secreto-legado', 'rebota2@correo.mx');
      await r.useCases.recordDeliveryEvent({
        id: 'cli-test-hard-bounce-login',
        kind: 'hard_bounce',
        email: 'rebota2@correo.mx',
        providerMessageId: 'pm-78',
        detail: 'HardBounce',
        at: new Date('2026-03-03T16:00:00Z'),
      });
    });
    const marked = JSON.parse((await run('accounts', 'show', '78', '--json')).stdout);
    expect(marked.undeliverable).toHaveLength(1);
    const other = await run('accounts', 'set-email', '78', 'otra@correo.mx');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('already renewed');
    const vouched = await run('accounts', 'set-email', '78', 'Rebota2@Correo.mx');
    expect(vouched.code).toBe(0);
    expect(vouched.stdout).toContain('vouched for again');
    expect(
      JSON.parse((await run('accounts', 'show', '78', '--json')).stdout).undeliverable,
    ).toEqual([]);
  }, 120_000);

  it('one email, two customer numbers: the import counts it; accounts show and unlock work on the login', async () => {
    const run = cli(env());
    const EMAIL = 'flota@empresa.mx';
    const file = join(dir(), 'shared.csv');
    writeFileSync(
      file,
      [
        'customer_number,username,email,password_hash',
        '8001,flota_a,Flota@Empresa.mx,plain:pw-flota-a',
        '8002,flota_b,flota@empresa.mx,plain:pw-flota-b',
        '8003,legado_c,legado@empresa.mx,plain:pw-legado-c',
      ].join('\n'),
    );
    const dry = await run('import', file, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /^email shared by several customer numbers \(will share one login\):\s+2$/m,
    );
    expect(dry.stdout).toMatch(/^email missing \/ invalid:\s+0 \/ 0$/m);
    expect(JSON.parse((await run('import', file, '--json')).stdout)).toMatchObject({
      inserted: 3,
      emailShared: 2,
      rejected: 0,
    });
    const statsBefore = JSON.parse((await run('stats', '--json')).stdout).accounts;

    // both customer numbers renew: the second joins the login of the first
    await withUseCases({}, async (r) => {
      await renew(r, 'flota_a', 'pw-flota-a', EMAIL);
      const joined = await renew(r, 'FLOTA_B', 'pw-flota-b', EMAIL);
      expect(joined).toMatchObject({ customerNumbers: ['8001', '8002'], passwordChanged: true });
    });
    const statsAfter = JSON.parse((await run('stats', '--json')).stdout).accounts;
    expect(statsAfter.logins - statsBefore.logins).toBe(1);
    expect(statsAfter.migrated - statsBefore.migrated).toBe(2);
    // a re-import leaves the renewed ones alone; the rest shares no email any more
    expect(JSON.parse((await run('import', file, '--json')).stdout)).toMatchObject({
      skipped: 2,
      unchanged: 1,
      emailShared: 0,
    });

    // accounts show: the login with both customer numbers, by email, number or username
    const byEmail = await run('accounts', 'show', 'FLOTA@empresa.mx', '--json');
    expect(byEmail.code).toBe(0);
    const shown = JSON.parse(byEmail.stdout);
    expect(shown.login).toMatchObject({
      email: maskEmail(EMAIL),
      customerNumbers: ['8001', '8002'],
      counters: { failedLogins: 0, wrongCodes: 0 },
      challenge: null,
    });
    expect(
      shown.accounts.map((a: { customerNumber: string; username: string; status: string }) => [
        a.customerNumber,
        a.username,
        a.status,
      ]),
    ).toEqual([
      ['8001', 'flota_a', 'migrated'],
      ['8002', 'flota_b', 'migrated'],
    ]);
    expect(JSON.stringify(shown)).not.toMatch(/hash|token|code"|pw-flota/i);
    for (const key of ['8001', 'flota_b'])
      expect(JSON.parse((await run('accounts', 'show', key, '--json')).stdout), key).toEqual(shown);
    const human = await run('accounts', 'show', '8002');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Login:\s+fl\S*@\S+$/m);
    expect(human.stdout).toMatch(/^Customer numbers:\s+8001, 8002$/m);
    expect(human.stdout.match(/^Customer number:/gm)).toHaveLength(2);
    expect(human.stdout).not.toMatch(/plain:|\$argon2|pw-flota|[0-9a-f]{64}/);
    // a customer number not renewed yet: the account, no login
    expect(JSON.parse((await run('accounts', 'show', 'legado_c', '--json')).stdout)).toMatchObject({
      login: null,
      accounts: [{ customerNumber: '8003', status: 'legacy', counters: { failedLogins: 0 } }],
    });

    // failed sign-ins put the login and the legacy account into back-off (an hour here)
    const slow = {
      POLICY_LOGIN_FAILURES_BEFORE_BACKOFF: '2',
      POLICY_LOGIN_BACKOFF_BASE_SECONDS: '3600',
      POLICY_LOGIN_BACKOFF_MAX_SECONDS: '3600',
    };
    await withUseCases(slow, async (r) => {
      for (const identifier of [EMAIL, EMAIL, 'legado_c', 'legado_c'])
        expect(await errorOf(r, identifier, 'mal')).toBe('invalid_credentials');
      expect(await errorOf(r, EMAIL, NEW_PASSWORD)).toBe('throttled');
      expect(await errorOf(r, 'legado_c', 'pw-legado-c')).toBe('throttled');
    });
    const blocked = JSON.parse((await run('accounts', 'show', '8001', '--json')).stdout);
    expect(blocked.login.counters.failedLogins).toBe(2);
    expect(blocked.login.counters.lastFailedLoginAt).toEqual(expect.any(String));

    const unlocked = await run('accounts', 'unlock', '8001');
    expect(unlocked.code).toBe(0);
    expect(unlocked.stdout.trim()).toBe(
      `Login ${maskEmail(EMAIL)} (customer numbers 8001, 8002): sign-in back-off cleared.`,
    );
    const legacy = await run('accounts', 'unlock', 'LEGADO_C', '--json');
    expect(legacy.code).toBe(0);
    expect(JSON.parse(legacy.stdout)).toMatchObject({
      login: null,
      accounts: [
        { customerNumber: '8003', counters: { failedLogins: 0, lastFailedLoginAt: null } },
      ],
    });
    expect(
      JSON.parse((await run('accounts', 'show', EMAIL, '--json')).stdout).login.counters,
    ).toMatchObject({ failedLogins: 0, lastFailedLoginAt: null });
    expect((await run('accounts', 'unlock', EMAIL)).code).toBe(0); // idempotent
    await withUseCases(slow, async (r) => {
      const signedIn = (
        await r.useCases.logIn({ identifier: EMAIL, password: NEW_PASSWORD, context: CONTEXT })
      ).unwrap();
      expect(signedIn).toMatchObject({ kind: 'signed_in', customerNumbers: ['8001', '8002'] });
      const started = (
        await r.useCases.logIn({
          identifier: 'legado_c',
          password: 'pw-legado-c',
          context: CONTEXT,
        })
      ).unwrap();
      expect(started.kind).toBe('renewal_started');
    });

    for (const key of ['nadie@x.mx', '99999']) {
      const unknown = await run('accounts', 'unlock', key);
      expect(unknown.code, key).toBe(1);
      expect(unknown.stderr.trim()).toBe(
        `renueva: no account with username, login email or customer number "${key}"`,
      );
    }
    expect((await run('accounts', 'unlock')).code).toBe(2);
  }, 240_000);

  it('audit: by customer number as JSON lines, emails masked; --unmasked CSV is audited', async () => {
    const run = cli({ ...env(), USER: 'ana' });
    const file = join(dir(), 'audit.csv');
    writeFileSync(file, 'customer_number,username,email,password_hash\n8101,auditado,,plain:pw\n');
    await run('import', file);
    expect((await run('accounts', 'set-email', '8101', 'auditado@correo.mx')).code).toBe(0);
    const json = await run('audit', '--customer', '8101', '--json');
    expect(json.code).toBe(0);
    expect(
      json.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      expect.objectContaining({
        action: 'email_set',
        customerNumbers: ['8101'],
        email: maskEmail('auditado@correo.mx'),
        detail: { actor: 'cli:ana', previous: null },
      }),
    ]);
    const csv = await run('audit', '--email', 'AUDITADO@correo.mx', '--csv', '--unmasked');
    expect(csv.code).toBe(0);
    expect(csv.stdout.trim().split('\n')).toEqual([
      'at,action,customer_numbers,email,ip,detail',
      expect.stringMatching(
        /^[\d-]+T[\d:.]+Z,email_set,8101,auditado@correo\.mx,,"\{""actor"":""cli:ana"",/,
      ),
    ]);
    const human = await run('audit', '--since', '1h');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^time\s+action\s+customer numbers\s+email\s+ip\s+detail$/m);
    expect(human.stdout.trim().split('\n').at(-1)).toMatch(
      /^\S+Z\s+audit_exported_unmasked\s+—\s+—\s+—\s+actor=cli:ana email=AUDI\*+@\S+ since=null/,
    );
    expect(human.stdout).not.toContain('auditado@correo.mx');
    const unknown = await run('audit', '--email', 'nadie@correo.mx');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('renueva: no login or account with email nadie@correo.mx');
  }, 120_000);

  it('bad usage exits 2 with a message; a missing file or a wrong header is named', async () => {
    const run = cli(env());
    for (const args of [
      ['bogus'],
      ['import'],
      ['outbox', 'retry'],
      ['outbox', 'list', '--limit', 'x'],
      ['serve', '--port', 'abc'],
      ['audit', '--since', 'ayer'],
      ['audit', '--json', '--csv'],
      ['audit', '--customer', '8101', '--email', 'a@b.mx'],
      ['audit', '--customer', 'abc'],
      ['hashes', 'wrap', '--rate', 'fast'],
      ['hashes', 'wrap', '--batch', '0'],
    ]) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      // with --json the error is JSON on stdout
      if (args.includes('--json')) expect(JSON.parse(r.stdout).error.exitCode).toBe(2);
      else expect(r.stderr.length).toBeGreaterThan(0);
    }
    const missing = await run('import', join(dir(), 'nope.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
    const file = join(dir(), 'header.csv');
    writeFileSync(file, 'id,user,mail,hash\n1,a,b,c\n');
    const header = await run('import', file);
    expect(header.code).toBe(2);
    expect(header.stderr).toContain('customer_number,username,email,password_hash');
    expect((await run('--help')).code).toBe(0);
  }, 60_000);

  it('imports each Unix, PHP and LDAP hash format as it is; each legacy password signs in', async () => {
    const run = cli(env());
    // published vectors (sources in packages/adapters/test/crypto-crypt-vectors.test.ts):
    // passlib's md5_crypt, phpass and ldap_* tests, Drepper's SHA-crypt specification,
    // Openwall phpass test.php and crypt_blowfish wrapper.c
    const formats: [password: string, hash: string][] = [
      ['test', '$1$SuMrG47N$ymvzYjr7QcEQjaK5m1PGx1'],
      ['Hello world!', '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
      [
        'Hello world!',
        '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
      ],
      ['test12345', '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0'],
      ['test1', '$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00'],
      ['secret', '{SSHA}0H+zTv8o4MR4H43n03eCsvw1luG8LdB7'],
      ['helloworld', '{SHA}at+xg6SiyUovktq1redipHiJpaE='],
      ['testing1234', '{SMD5}UjFY34os/pnZQ3oQOzjqGu4yeXE='],
      ['helloworld', '{MD5}/F4DjTilcDIIVEHn/nAQsA=='],
      ['', '{CRYPT}$1$dOHYPKoP$tnxS1T8Q6VVn3kpV8cN6o.'],
      ['\u0451', '$2x$05$6bNw2HLQYeqHYyBfLMsv/OiwqTymGIGzFsA4hOTWebfehXHNprcAS'],
      ['rasmuslerdorf', '$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq'],
    ];
    const file = join(dir(), 'formats.csv');
    writeFileSync(
      file,
      [
        'customer_number,username,email,password_hash',
        ...formats.map(
          ([, hash], i) => `${9_200_000 + i},formato${i},formato${i}@example.mx,${hash}`,
        ),
        // past the bound on sha512-crypt rounds: rejected with its line
        `9299999,formato.lento,lento@example.mx,$6$rounds=999999999$salt$${'a'.repeat(86)}`,
      ].join('\n'),
    );
    const report = join(dir(), 'formats-rejected.csv');
    const imported = await run('import', file, '--json', '--report', report);
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toMatchObject({ inserted: formats.length });
    expect(readFileSync(report, 'utf8')).toMatch(new RegExp(`^${formats.length + 2},`, 'm'));
    await withUseCases({}, async (r) => {
      for (const [i, [password]] of formats.entries()) {
        expect(await errorOf(r, `formato${i}`, `${password}x`)).toBe('invalid_credentials');
        const started = await r.useCases.logIn({
          identifier: `formato${i}`,
          password,
          context: CONTEXT,
        });
        expect(started.isOk() && started.value.kind, formats[i]?.[1]).toBe('renewal_started');
      }
    });
  }, 120_000);

  it('hashes costs groups the legacy hashes by scheme and work factor, times each, and says whether the floor hides them', async () => {
    const fresh = await freshEnv();
    const file = join(dir(), 'costs.csv');
    writeFileSync(
      file,
      [
        'customer_number,username,email,password_hash',
        // published vectors (passlib's ldap_sha1, RFC 1321 A.5, Openwall crypt_blowfish)
        '9400001,costo.ldap,costo.ldap@example.mx,{SHA}at+xg6SiyUovktq1redipHiJpaE=',
        '9400002,costo.md5,costo.md5@example.mx,md5:900150983cd24fb0d6963f7d28e17f72',
        '9400003,costo.bcrypt1,costo.bcrypt1@example.mx,$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW',
        '9400004,costo.bcrypt2,costo.bcrypt2@example.mx,$2b$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK',
      ].join('\n'),
    );
    expect((await cli(fresh)('db', 'migrate')).code).toBe(0);
    expect((await cli(fresh)('import', file, '--json')).code).toBe(0);

    const uncovered = await cli({ ...fresh, POLICY_SIGN_IN_FLOOR_MS: '0' })(
      'hashes',
      'costs',
      '--json',
    );
    expect(uncovered.stderr).toBe('');
    const report = JSON.parse(uncovered.stdout) as {
      floorMs: number;
      schemes: { scheme: string; accounts: number; checkMs: number }[];
      unknownIdentifierMs: number;
      slowestMs: number;
      floorCoversAll: boolean;
      recommendedFloorMs: number | null;
    };
    expect(report.schemes.map(({ scheme, accounts }) => [scheme, accounts]).sort()).toEqual([
      ['LDAP {SHA}', 1],
      ['bcrypt cost 5', 2],
      ['md5, unsalted', 1],
    ]);
    // sorted slowest first; the slowest is what the floor must hide
    const times = report.schemes.map((s) => s.checkMs);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(report.slowestMs).toBe(Math.max(report.unknownIdentifierMs, ...times));
    expect(report).toMatchObject({ floorMs: 0, floorCoversAll: false });
    expect(report.recommendedFloorMs).toBeGreaterThanOrEqual(report.slowestMs * 1.25);
    expect((report.recommendedFloorMs as number) % 50).toBe(0);

    const covered = await cli({ ...fresh, POLICY_SIGN_IN_FLOOR_MS: '5000' })('hashes', 'costs');
    expect(covered.code).toBe(0);
    expect(covered.stdout).toMatch(/^ {2}bcrypt cost 5 +2 +\d+ ms$/m);
    expect(covered.stdout).toMatch(/^ {2}unknown identifier \(argon2id\) +— +\d+ ms$/m);
    expect(covered.stdout).toContain('Sign-in floor (POLICY_SIGN_IN_FLOOR_MS): 5000 ms');
    expect(covered.stdout).toContain('Every check fits under the floor');
    expect(covered.stdout).not.toContain('slower than the floor');
  }, 60_000);

  it('import --wrap and hashes wrap leave no weak hash; the passwords still sign in; stats count them', async () => {
    const fresh = await freshEnv();
    const run = cli(fresh);
    expect((await run('db', 'migrate')).code).toBe(0);
    const file = join(dir(), 'weak.csv');
    writeFileSync(
      file,
      [
        'customer_number,username,email,password_hash',
        // RFC 1321 A.5 ("abc"), clear text, and passlib's ldap_sha1 ("helloworld")
        '9100001,debil.md5,debil.md5@example.mx,md5:900150983cd24fb0d6963f7d28e17f72',
        '9100002,debil.plain,debil.plain@example.mx,plain:contraseña vieja',
        '9100003,debil.ldap,debil.ldap@example.mx,{SHA}at+xg6SiyUovktq1redipHiJpaE=',
      ].join('\n'),
    );
    const imported = JSON.parse((await run('import', file, '--wrap', '--json')).stdout);
    expect(imported.inserted).toBe(3);
    expect(imported.wrap).toMatchObject({ skipped: 0, remaining: 0 });
    expect(imported.wrap.wrapped).toBeGreaterThanOrEqual(3);
    expect(JSON.parse((await run('stats', '--json')).stdout).accounts.weakLegacyHashes).toBe(0);
    expect((await run('stats')).stdout).toMatch(/weak legacy hashes not wrapped.*: *0/);

    // the same file again puts the digests back; hashes wrap wraps them, then finds none
    expect(JSON.parse((await run('import', file, '--json')).stdout).updated).toBe(3);
    const wrapped = await run('hashes', 'wrap', '--rate', '50', '--batch', '1', '--json');
    expect(JSON.parse(wrapped.stdout)).toMatchObject({ wrapped: 3, skipped: 0, remaining: 0 });
    const again = JSON.parse((await run('hashes', 'wrap', '--json')).stdout);
    expect(again).toMatchObject({ wrapped: 0, skipped: 0, remaining: 0 });
    expect((await run('hashes', 'wrap')).stdout).toContain('weak hashes remaining');
    // one audit entry per run (import --wrap, then three hashes wrap), with its counts
    const runs = (await run('audit')).stdout
      .split('\n')
      .filter((l) => l.includes('legacy_hashes_wrapped'));
    expect(runs).toHaveLength(4);
    // (PostgreSQL's jsonb orders the detail's keys its own way)
    for (const part of [/actor=cli:\S+/, /\bwrapped=3\b/, /\bskipped=0\b/, /\bremaining=0\b/])
      expect(runs[1]).toMatch(part);

    await withUseCases(fresh, async (r) => {
      const hash = async (n: string) => {
        const a = await r.accounts.findByCustomerNumber(n);
        return a?.status === 'legacy' ? a.legacyPasswordHash : null;
      };
      expect(await hash('9100001')).toMatch(/^wrapped-argon2id:md5:\$argon2id\$/);
      expect(await hash('9100002')).toMatch(/^wrapped-argon2id:plain:\$argon2id\$/);
      expect(await hash('9100003')).toMatch(/^wrapped-argon2id:sha1:\$argon2id\$/);
      expect(await errorOf(r, 'debil.ldap', 'helloworld')).toBeNull();
      expect(await errorOf(r, 'debil.md5', 'abc')).toBeNull();
      expect(await errorOf(r, 'debil.plain', 'contraseña vieja')).toBeNull();
      expect(await errorOf(r, 'debil.plain', 'contraseña')).toBe('invalid_credentials');
    });
  }, 120_000);
}
