import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRenueva } from '@renueva/adapters';
import { expect, it } from 'vitest';
import { generateImportFile } from './generate.js';

const exec = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'bin', 'renueva.js');

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
export function cliContract(env: () => NodeJS.ProcessEnv, dir: () => string) {
  it('imports a generated 10,000-row file: exact counts and report lines; a second run changes nothing', async () => {
    const run = cli(env());
    const file = join(dir(), 'accounts.csv');
    const expected = await generateImportFile(file, 10_000);
    const report = join(dir(), 'rejected.csv');
    const first = await run('import', file, '--report', report, '--json');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
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
    expect(JSON.parse((await run('accounts', 'show', '7', '--json')).stdout).registeredEmail).toBe(
      'ot**@*.m*',
    );
    const real = JSON.parse((await run('import', file, '--json')).stdout);
    expect(real).toMatchObject({ skipped: 1, updated: 1 });
    expect(JSON.parse((await run('accounts', 'show', '2242455', '--json')).stdout)).toEqual(before);
    expect(
      JSON.parse((await run('accounts', 'show', 'otro', '--json')).stdout).registeredEmail,
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
    expect(json.challenge).toMatchObject({ kind: 'recovery', attempts: 0, sends: 1 });
    expect(JSON.stringify(json)).not.toMatch(/hash|token|code"/i);

    const set = await run('accounts', 'set-email', '56', 'Nuevo@Correo.mx');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('nu***@corr**.m*');
    expect((await run('accounts', 'set-email', '56', 'malo')).code).toBe(2);
    const missing = await run('accounts', 'set-email', '999', 'a@b.mx');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no account with customer number 999');
    expect((await run('accounts', 'show', 'nadie')).code).toBe(1);

    const stats = JSON.parse((await run('stats', '--json')).stdout);
    expect(stats.accounts.migrated).toBeGreaterThanOrEqual(1);
    expect((await run('stats')).stdout).toContain('migrated');

    const list = JSON.parse((await run('outbox', 'list', '--json')).stdout);
    expect(list.length).toBeGreaterThan(0);
    expect(JSON.parse((await run('outbox', 'list', '--dead', '--json')).stdout)).toEqual([]);
    expect((await run('outbox', 'retry', '--all-dead')).stdout).toContain('0 email(s)');
    expect((await run('outbox', 'retry', '12345')).code).toBe(1);
    expect((await run('db', 'migrate')).stdout).toContain('up to date');
  }, 120_000);

  it('bad usage exits 2 with a message; a missing file or a wrong header is named', async () => {
    const run = cli(env());
    for (const args of [
      ['bogus'],
      ['import'],
      ['outbox', 'retry'],
      ['outbox', 'list', '--limit', 'x'],
      ['serve', '--port', 'abc'],
    ]) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.length).toBeGreaterThan(0);
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
}
