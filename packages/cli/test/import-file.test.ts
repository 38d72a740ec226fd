import { once } from 'node:events';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './cli.case.js';
import { generateImportFile } from './generate.js';

// What an operator sees when the file itself is odd: every case through the built CLI on
// a real file. The in-memory store keeps these fast; the stores' own behaviour is
// cli.case.ts's (run on PGlite and PostgreSQL).
const dir = mkdtempSync(join(tmpdir(), 'renueva-import-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = cli({ STORE: 'memory', DATABASE_URL: '' });
const HEADER = 'customer_number,username,email,password_hash';
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const rows = (from: number, n: number) =>
  Array.from(
    { length: n },
    (_, i) => `${from + i},user${from + i},u${from + i}@correo.mx,plain:pw`,
  );

describe('renueva import: a malformed line rejects itself alone', () => {
  it('a 1,000-row file with a stray quote on line 21: 999 imported, line 21 rejected, exit 3', async () => {
    const lines = rows(3_000_000, 1000);
    lines[19] = '3000019,"user19,u19@correo.mx,plain:pw'; // data line 20 is file line 21
    const path = file('stray.csv', `${HEADER}\n${lines.join('\n')}\n`);
    const r = await run('import', path, '--json');
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({
      read: 1000,
      inserted: 999,
      rejected: 1,
      rejectedRows: [{ line: 21, reason: 'malformed CSV: unclosed quote in field 2' }],
    });
    const human = await run('import', path);
    expect(human.code).toBe(3);
    expect(human.stdout).toMatch(/^inserted:\s+999$/m);
    expect(human.stdout).toContain('line 21: malformed CSV: unclosed quote in field 2');
  }, 60_000);

  it('reports each malformed line with its true number and reason; quoted fields, CRLF and a BOM are fine', async () => {
    const path = file(
      'mixed.csv',
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(
          [
            HEADER,
            '1,"uno",uno@correo.mx,"plain:con ""comillas"", y coma"',
            '2,dos,dos@correo.mx', // line 3: a field short
            '3,tres",tres@correo.mx,plain:pw', // line 4: a quote inside an unquoted field
            '4,"cuatro"x,cuatro@correo.mx,plain:pw', // line 5: text after the closing quote
            '', // line 6: empty, skipped
            '5,cinco,cinco@correo.mx,plain:pw,extra', // line 7: a field too many
            '6,seis,seis@correo.mx,plain:pw',
          ].join('\r\n'),
        ),
        Buffer.from('\r\n7,siete,siete@correo.mx,plain:\xff\xfe\r\n', 'latin1'), // line 9: not UTF-8
        Buffer.from('8,ocho,ocho@correo.mx,plain:pw\u0007\r\n9,nueve,n@correo.mx,plain:pw'), // 10, 11
      ]),
    );
    const r = await run('import', path, '--json');
    expect(r.code).toBe(3);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ read: 9, inserted: 3, rejected: 6 });
    expect(summary.rejectedRows).toEqual([
      { line: 3, reason: 'malformed CSV: wrong number of fields: 3, expected 4' },
      {
        line: 4,
        reason: 'malformed CSV: quote inside unquoted field 2 (quote the whole field)',
      },
      { line: 5, reason: 'malformed CSV: unexpected text after the closing quote of field 2' },
      { line: 7, reason: 'malformed CSV: wrong number of fields: 5, expected 4' },
      { line: 9, reason: 'malformed line: not UTF-8 text' },
      { line: 10, reason: 'malformed line: control character (binary data?)' },
    ]);
  }, 60_000);
});

describe('renueva import: bounds', () => {
  it('a field over its bound or a line over 4 KiB rejects its line, never echoing it', async () => {
    const path = file(
      'bounds.csv',
      [
        HEADER,
        `1,largo,${'x'.repeat(320)}@correo.mx,plain:pw`, // email over 320 bytes
        `2,hash,hash@correo.mx,plain:${'y'.repeat(1100)}`, // hash over 1 KiB
        `3,user${'ñ'.repeat(200)},u3@correo.mx,plain:pw`, // username over 256 bytes (not chars)
        `4,linea,linea@correo.mx,plain:${'z'.repeat(5000)}`, // line over 4 KiB
        '5,bien,bien@correo.mx,plain:pw',
      ].join('\n'),
    );
    const r = await run('import', path, '--json');
    expect(r.code).toBe(3);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ inserted: 1, rejected: 4 });
    expect(summary.rejectedRows).toEqual([
      { line: 2, reason: 'email longer than 320 bytes' },
      { line: 3, reason: 'password_hash longer than 1024 bytes' },
      { line: 4, reason: 'username longer than 256 bytes' },
      { line: 5, reason: 'line longer than 4096 bytes' },
    ]);
    expect(r.stdout).not.toMatch(/xxxx|yyyy|zzzz|ññññ/);
  }, 60_000);

  it('a 120 MB file of two lines is read in bounded memory: the long line is rejected, the rest imported', async () => {
    const path = join(dir, 'huge.csv');
    const out = createWriteStream(path);
    out.write(`${HEADER}\n1,uno,uno@correo.mx,plain:`);
    const block = 'a'.repeat(1024 * 1024);
    for (let i = 0; i < 120; i++) if (!out.write(block)) await once(out, 'drain');
    out.end('\n2,dos,dos@correo.mx,plain:pw\n');
    await once(out, 'finish');
    const r = await run('import', path, '--json');
    expect(r.code).toBe(3);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      inserted: 1,
      rejectedRows: [{ line: 2, reason: 'line longer than 4096 bytes' }],
    });
    // the process itself (modules, dictionaries) takes ~130 MiB; the file adds next to nothing
    expect(summary.maxRssBytes).toBeLessThan(200 * 1024 * 1024);
    rmSync(path);
  }, 60_000);
});

describe('renueva import: the file as a whole', () => {
  const errors: [string, () => string, number, RegExp][] = [
    ['a missing file', () => join(dir, 'nope.csv'), 1, /nope\.csv: no such file$/],
    [
      'a directory',
      () => {
        mkdirSync(join(dir, 'carpeta'), { recursive: true });
        return join(dir, 'carpeta');
      },
      1,
      /carpeta is a directory, not a CSV file$/,
    ],
    [
      'an empty file',
      () => file('empty.csv', ''),
      2,
      /empty\.csv is empty: expected a header line "customer_number,username,email,password_hash"/,
    ],
    [
      'a binary file',
      () => file('binary.csv', Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 8, 0, 0xff, 0xfe, 10, 0, 1])),
      2,
      /binary\.csv is not a text file \(it holds binary data\); expected a CSV file$/,
    ],
    [
      'a ;-separated export',
      () => file('semi.csv', 'customer_number;username;email;password_hash\n1;a;a@b.mx;plain:x\n'),
      2,
      /separated by semicolons \(;\): the separator must be a comma \(,\)/,
    ],
    [
      'a header naming other columns',
      () => file('other.csv', 'id,user,mail,hash\n1,a,b,c\n'),
      2,
      /the header must name the columns customer_number,username,email,password_hash \(in any order\); got "id,user,mail,hash": missing customer_number, username, email, password_hash; unknown column\(s\) id, user, mail, hash$/,
    ],
  ];
  for (const [what, make, code, message] of errors)
    it(`${what}: one line, exit ${code}; --json makes it JSON`, async () => {
      const path = make();
      const r = await run('import', path);
      expect(r.code).toBe(code);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(/^renueva: /);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stderr).not.toMatch(/\bat .*\.js:\d+|Error:|\\x|\uFFFD/);
      const json = await run('import', path, '--json');
      expect(json.code).toBe(code);
      expect(json.stderr).toBe('');
      const { error } = JSON.parse(json.stdout);
      expect(error.exitCode).toBe(code);
      expect(error.message).toMatch(message);
    }, 30_000);

  it('a header with the right names in another order is accepted', async () => {
    const path = file(
      'order.csv',
      'Email,password_hash,USERNAME,customer_number\nordenado@correo.mx,plain:pw,ordenado,777\n',
    );
    const r = await run('import', path, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ read: 1, inserted: 1, rejected: 0 });
  }, 30_000);

  it('exit codes: 0 all imported, 3 some rejected, 2 bad usage (JSON with --json)', async () => {
    const good = join(dir, 'good.csv');
    await generateImportFile(good, 50, { bad: false });
    expect((await run('import', good)).code).toBe(0);
    const usage = await run('import', '--json');
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toEqual({
      error: { message: "missing required argument 'file'", exitCode: 2 },
    });
  }, 30_000);
});
