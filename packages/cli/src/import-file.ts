import { open } from 'node:fs/promises';
import type { LineDigest, RawImportRow, RejectedRow } from '@renueva/domain';

/** The import file's columns (docs/import-format.md); the header may list them in any order. */
const COLUMNS = ['customer_number', 'username', 'email', 'password_hash'] as const;
type Column = (typeof COLUMNS)[number];

/**
 * Bounds per field, in UTF-8 bytes: a longer value rejects its line (and is never echoed).
 * An email address is at most 320 bytes (RFC 3696 erratum 1690: 64 + 1 + 255).
 */
const FIELD_LIMITS: Record<Column, number> = {
  customer_number: 64,
  username: 256,
  email: 320,
  password_hash: 1024,
};

/** No valid line is longer: a longer one is rejected while it streams by, never held. */
const MAX_LINE_BYTES = 4096;

/** Rows handed on at a time: one async step per batch, not per row. */
const BATCH = 64;
const CHUNK = 256 * 1024;

/** The file cannot be imported at all. `exitCode` 2: not an import file; 1: it cannot be read. */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/**
 * Splits one line into its fields: comma-separated, RFC 4180 quotes within the line
 * (`""` is a quote inside a quoted field). Returns the fields, or why the line is malformed.
 */
function splitLine(line: string): string[] | string {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const quote = line.indexOf('"', from);
        if (quote === -1) return `unclosed quote in field ${fields.length + 1}`;
        value += line.slice(from, quote);
        if (line.charCodeAt(quote + 1) === 34) {
          value += '"';
          from = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line.charCodeAt(i) !== 44 /* , */)
        return `unexpected text after the closing quote of field ${fields.length}`;
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const value = comma === -1 ? line.slice(i) : line.slice(i, comma);
      if (value.includes('"'))
        return `quote inside unquoted field ${fields.length + 1} (quote the whole field)`;
      fields.push(value);
      if (comma === -1) return fields;
      i = comma + 1;
    }
  }
}

/**
 * What the import accepts, as a number mixed into every line's digest: change it with
 * any rule that could reject a line accepted before (a new bound, a scheme dropped), so
 * that a re-import validates every line again instead of keeping the ones the store
 * holds (ADR 0012).
 */
const RULES_VERSION = 1;

/**
 * 64 bits of a line's text, for the import to recognise a line the store already holds
 * (`ImportedLines`): two 32-bit multiplicative lanes over the UTF-16 units, mixed at
 * the end (cyrb53's construction, both lanes kept). Not a cryptographic hash: a
 * collision can only make a changed line pass as unchanged, so the import file's author
 * gains nothing over writing the old line; by accident, about one in 10^7 for a re-import
 * of a million changed lines against a million accounts. ~0.1 µs a line, where a crypto
 * hash costs ~1-2 µs.
 */
function lineDigest(text: string, seed: number): LineDigest {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h2 >>> 0, h1 >>> 0];
}

/** The digests' seed: the rules' version and the header's column order (the same bytes under another header are another row). */
const digestSeed = (columns: Record<Column, number>): number =>
  (RULES_VERSION << 8) |
  columns.customer_number |
  (columns.username << 2) |
  (columns.email << 4) |
  (columns.password_hash << 6);

const tooLong = (value: string, limit: number) =>
  value.length > limit || (value.length * 3 > limit && Buffer.byteLength(value) > limit);
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** The header line: the four columns by name, in any order. Throws what is wrong with it. */
function parseHeader(line: string): Record<Column, number> {
  const expected = COLUMNS.join(',');
  const fields = splitLine(line);
  if (typeof fields === 'string' || fields.length === 1) {
    for (const [separator, name] of [
      [';', 'semicolons (;)'],
      ['\t', 'tabs'],
      ['|', 'vertical bars (|)'],
    ] as const)
      if (line.includes(separator))
        throw new ImportFileError(
          `the fields are separated by ${name}: the separator must be a comma (,); the header must be "${expected}"`,
          2,
        );
  }
  const names = typeof fields === 'string' ? [] : fields.map((f) => f.trim().toLowerCase());
  const missing = COLUMNS.filter((c) => !names.includes(c));
  const unknown = names.filter((n) => !(COLUMNS as readonly string[]).includes(n));
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (missing.length > 0 || unknown.length > 0 || repeated.length > 0) {
    const shown = line.length > 200 ? `${line.slice(0, 200)}…` : line;
    const problems = [
      missing.length > 0 ? `missing ${missing.join(', ')}` : '',
      unknown.length > 0 ? `unknown column(s) ${unknown.slice(0, 5).join(', ')}` : '',
      repeated.length > 0 ? `repeated ${repeated.join(', ')}` : '',
    ].filter(Boolean);
    throw new ImportFileError(
      `the header must name the columns ${expected} (in any order); got ${JSON.stringify(CONTROL.test(shown) ? '(unprintable)' : shown)}: ${problems.join('; ')}`,
      2,
    );
  }
  return Object.fromEntries(COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<Column, number>;
}

/** One data line to a row, or the reason it is rejected. */
function parseLine(
  text: string,
  line: number,
  columns: Record<Column, number>,
  seed: number,
): RawImportRow | string {
  if (CONTROL.test(text)) return 'malformed line: control character (binary data?)';
  const fields = splitLine(text);
  if (typeof fields === 'string') return `malformed CSV: ${fields}`;
  if (fields.length !== COLUMNS.length)
    return `malformed CSV: wrong number of fields: ${fields.length}, expected ${COLUMNS.length}`;
  for (const column of COLUMNS) {
    const value = fields[columns[column]] as string;
    if (tooLong(value, FIELD_LIMITS[column]))
      return `${column} longer than ${FIELD_LIMITS[column]} bytes`;
  }
  return {
    line,
    customer_number: fields[columns.customer_number] as string,
    username: fields[columns.username] as string,
    email: fields[columns.email] as string,
    password_hash: fields[columns.password_hash] as string,
    digest: lineDigest(text, seed),
  };
}

/**
 * Reads an import file line by line, streamed: memory holds one chunk and one batch,
 * whatever the file's size. No field may contain a line break, so a malformed line
 * (an unclosed quote, a wrong number of fields, a field too long, bytes that are not
 * UTF-8 text) rejects that line alone, with its true line number; every other line
 * goes on. Yields batches of rows; rejected lines go to `rejected`. Throws
 * `ImportFileError` when the file as a whole cannot be an import file.
 */
export async function* readImportFile(
  path: string,
  rejected: RejectedRow[],
  onBytes: (n: number) => void = () => undefined,
): AsyncGenerator<RawImportRow[]> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new ImportFileError(`cannot read ${path}: ${describeOpenError(error)}`, 1);
  });
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new ImportFileError(`${path} is a directory, not a CSV file`, 1);
    const chunk = Buffer.allocUnsafe(CHUNK);
    // the bytes of the current line not yet ended by \n (at most MAX_LINE_BYTES of them)
    let carry = Buffer.alloc(0);
    let skipping = false; // inside an over-long line: drop bytes until its end
    let lineNo = 0;
    let columns: Record<Column, number> | null = null;
    let seed = 0;
    let batch: RawImportRow[] = [];
    let first = true;

    const onLine = (bytes: Buffer, start: number, end: number): void => {
      lineNo++;
      if (end > start && bytes[end - 1] === 13) end--; // CRLF
      if (first) {
        first = false;
        if (bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf)
          start += 3; // BOM
      }
      if (columns === null) {
        const header = bytes.toString('utf8', start, end);
        if (header.trim() === '') return; // blank lines before the header
        columns = parseHeader(header);
        seed = digestSeed(columns);
        return;
      }
      if (end === start) return; // an empty line
      const text = bytes.toString('utf8', start, end);
      if (text.includes('\uFFFD') && !Buffer.from(text).equals(bytes.subarray(start, end))) {
        rejected.push({ line: lineNo, reason: 'malformed line: not UTF-8 text' });
        return;
      }
      const row = parseLine(text, lineNo, columns, seed);
      if (typeof row === 'string') rejected.push({ line: lineNo, reason: row });
      else batch.push(row);
    };

    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, null);
      if (bytesRead === 0) break;
      onBytes(bytesRead);
      if (first && carry.length === 0 && looksBinary(chunk.subarray(0, bytesRead)))
        throw new ImportFileError(
          `${path} is not a text file (it holds binary data); expected a CSV file`,
          2,
        );
      let pos = 0;
      while (pos < bytesRead) {
        const nl = chunk.indexOf(10, pos);
        const end = nl === -1 || nl >= bytesRead ? bytesRead : nl;
        if (skipping) {
          if (end < bytesRead) {
            skipping = false;
            lineNo++;
            rejected.push({ line: lineNo, reason: `line longer than ${MAX_LINE_BYTES} bytes` });
          }
        } else if (carry.length + (end - pos) > MAX_LINE_BYTES) {
          if (columns === null)
            throw new ImportFileError(
              `the first line is longer than ${MAX_LINE_BYTES} bytes: not an import file (expected the header "${COLUMNS.join(',')}")`,
              2,
            );
          carry = Buffer.alloc(0);
          if (end < bytesRead) {
            lineNo++;
            rejected.push({ line: lineNo, reason: `line longer than ${MAX_LINE_BYTES} bytes` });
          } else skipping = true;
        } else if (end === bytesRead) {
          carry = Buffer.concat([carry, chunk.subarray(pos, end)]);
        } else if (carry.length > 0) {
          const whole = Buffer.concat([carry, chunk.subarray(pos, end)]);
          carry = Buffer.alloc(0);
          onLine(whole, 0, whole.length);
        } else onLine(chunk, pos, end);
        pos = end + 1;
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
    }
    if (skipping) {
      lineNo++;
      rejected.push({ line: lineNo, reason: `line longer than ${MAX_LINE_BYTES} bytes` });
    } else if (carry.length > 0) onLine(carry, 0, carry.length);
    if (columns === null)
      throw new ImportFileError(
        `${path} is empty: expected a header line "${COLUMNS.join(',')}" and then one line per account`,
        2,
      );
    if (batch.length > 0) yield batch;
  } finally {
    await handle.close();
  }
}

/** NUL bytes, or mostly bytes that are neither text nor UTF-8, in the first chunk. */
function looksBinary(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 8192);
  if (sample.includes(0)) return true;
  let odd = 0;
  for (const b of sample) if (b < 9 || (b > 13 && b < 32) || b === 127) odd++;
  return odd > sample.length / 10;
}

function describeOpenError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory, not a CSV file';
    default:
      return error.code ?? 'unreadable';
  }
}
