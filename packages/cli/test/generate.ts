import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** The bad rows a generated file carries, with the reason each must be reported with. */
export interface Expected {
  rows: number;
  valid: number;
  rejected: { line: number; reason: string }[];
  emailMissing: number;
  emailInvalid: number;
}

/**
 * Writes an import file of `rows` data rows where every 1000th row (offset by kind) is
 * bad in a known way, and returns what the import must report. Legacy hashes use fast
 * schemes: the import does not verify passwords.
 */
export async function generateImportFile(
  path: string,
  rows: number,
  options: { bad?: boolean } = {},
): Promise<Expected> {
  const bad = options.bad ?? true;
  const out = createWriteStream(path);
  const write = async (line: string) => {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  };
  await write('customer_number,username,email,password_hash');
  const expected: Expected = { rows, valid: 0, rejected: [], emailMissing: 0, emailInvalid: 0 };
  for (let i = 0; i < rows; i++) {
    const line = i + 2;
    const n = 5_000_000 + i;
    const kind = bad ? i % 1000 : -1;
    let row = `${n},user${n},user${n}@example.com.mx,sha256:${'ab'.repeat(32)}`;
    switch (kind) {
      case 101:
        row = `${n},user${n},user${n}@example.com.mx,rot13:nope`;
        expected.rejected.push({
          line,
          reason: 'unknown or malformed password_hash scheme "rot13"',
        });
        break;
      case 202:
        row = `${n}x,user${n},user${n}@example.com.mx,plain:pw`;
        expected.rejected.push({ line, reason: `invalid customer_number "${n}x"` });
        break;
      case 303:
        row = `${n - 1},other${n},other${n}@example.com.mx,plain:pw`; // the previous row's customer number
        expected.rejected.push({
          line,
          reason: `duplicate customer_number ${n - 1} (first at line ${line - 1})`,
        });
        break;
      case 404:
        row = `${n},USER${n - 1},x${n}@example.com.mx,plain:pw`; // the previous row's username, other case
        expected.rejected.push({
          line,
          reason: `duplicate username USER${n - 1} (first at line ${line - 1})`,
        });
        break;
      case 505:
        row = `${n},user${n},user${n}@example.com.mx`; // a field short
        expected.rejected.push({ line, reason: 'malformed CSV' });
        break;
      case 606:
        row = `${n},user${n},,plain:pw`;
        expected.emailMissing++;
        expected.valid++;
        break;
      case 707:
        row = `${n},user${n},not-an-email,plain:pw`;
        expected.emailInvalid++;
        expected.valid++;
        break;
      case 808:
        row = `${n},user ${n},user${n}@example.com.mx,plain:pw`;
        expected.rejected.push({ line, reason: `invalid username "user ${n}"` });
        break;
      default:
        expected.valid++;
    }
    await write(row);
  }
  out.end();
  await once(out, 'finish');
  return expected;
}
