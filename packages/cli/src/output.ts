import { SingleBar } from 'cli-progress';
/** A failure the CLI reports on one line; `exitCode` 2 means bad usage. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTty: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  isTty: Boolean(process.stderr.isTTY),
};

/** Prints either JSON (for scripts) or the human rendering. */
export function print(io: Io, json: boolean, value: unknown, human: () => string): void {
  io.out(json ? JSON.stringify(value, null, 2) : human());
}

/** Aligned "label: value" lines. */
export function table(rows: [string, string | number | null | undefined][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value ?? '—'}`).join('\n');
}

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * One CSV field, quoted when it must be; a leading =, +, - or @ is prefixed with ' so a
 * spreadsheet never runs it as a formula.
 */
export function csvField(value: string | number): string {
  const s = /^[=+\-@]/.test(String(value)) ? `'${value}` : String(value);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A progress bar on stderr for a long command when `shown` (a terminal, not `--json`); else null. */
export function progressBar(shown: boolean, format: string): SingleBar | null {
  return shown ? new SingleBar({ format, stream: process.stderr, hideCursor: true }) : null;
}
