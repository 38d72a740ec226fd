/**
 * A 64-bit digest of one line of an import file, as two unsigned 32-bit halves. The
 * reader computes it over the line's text (and the header's column order); the import
 * keeps the last two bits of `lo` for the email's class (`EmailClass`) when it stores
 * the digest with the account, so lines are told apart by the other 62 bits.
 */
export type LineDigest = readonly [hi: number, lo: number];

/** The email of an imported line: 0 missing, 1 present but not an address, 2 an address. */
export type EmailClass = 0 | 1 | 2;

/** The digest as the store keeps it: the email's class in its last two bits. */
export const withEmailClass = (digest: LineDigest, email: EmailClass): LineDigest => [
  digest[0] >>> 0,
  ((digest[1] & ~3) | email) >>> 0,
];

/**
 * The lines an import may keep without validating or staging them (ADR 0012): the
 * digests of the lines that made each legacy account as it stands (`digests`: hi, lo
 * pairs, from `AccountRepository.importedLineDigests`). A line of the file whose digest
 * is one of them is byte for byte the line that made that account, so it would be
 * validated to the same row and found unchanged: `claim` marks it kept, with its line
 * number (once per account: the same line again goes through validation, so the
 * repository finds the duplicate). Memory: 8 bytes per account for the digests, 4 for
 * the line numbers, 4-8 for the index.
 */
export class ImportedLines {
  readonly #digests: Uint32Array;
  /** Per account (index in `digests`): the line that kept it, 0 when none did. */
  readonly #lines: Int32Array;
  /** Open addressing: index + 1 of the account in each slot, 0 when empty. */
  readonly #slots: Int32Array;
  readonly #mask: number;
  #kept = 0;
  readonly #byClass = new Int32Array(3);

  constructor(digests: Uint32Array) {
    this.#digests = digests;
    const n = digests.length / 2;
    this.#lines = new Int32Array(n);
    let size = 1;
    while (size < n * 2) size *= 2;
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
    for (let i = 0; i < n; i++) {
      let slot = this.#hash(digests[2 * i] as number, digests[2 * i + 1] as number);
      while (this.#slots[slot] !== 0) slot = (slot + 1) & this.#mask;
      this.#slots[slot] = i + 1;
    }
  }

  /** The digests are uniformly spread already: their bits pick the slot. */
  #hash(hi: number, lo: number): number {
    return (hi ^ (lo >>> 2)) & this.#mask;
  }

  #find(digest: LineDigest): number {
    const [hi, lo] = digest;
    let slot = this.#hash(hi, lo);
    for (;;) {
      const i = (this.#slots[slot] as number) - 1;
      if (i < 0) return -1;
      if (
        this.#digests[2 * i] === hi >>> 0 &&
        (this.#digests[2 * i + 1] as number) >>> 2 === lo >>> 2
      )
        return i;
      slot = (slot + 1) & this.#mask;
    }
  }

  #count(i: number, by: 1 | -1): void {
    this.#kept += by;
    const email = ((this.#digests[2 * i + 1] as number) & 3) as EmailClass;
    this.#byClass[email] = (this.#byClass[email] ?? 0) + by;
  }

  /** How many accounts there are digests of. */
  get size(): number {
    return this.#lines.length;
  }

  /** Lines kept (claimed and not released). */
  get kept(): number {
    return this.#kept;
  }

  /** Kept lines by the class of their email: [missing, not an address, an address]. */
  get keptByEmail(): readonly [number, number, number] {
    return [this.#byClass[0] ?? 0, this.#byClass[1] ?? 0, this.#byClass[2] ?? 0];
  }

  /**
   * Keeps line `line` if its digest is an account's and no earlier line kept that
   * account. True: the line needs no validation; its account is left as it is.
   */
  claim(digest: LineDigest, line: number): boolean {
    const i = this.#find(digest);
    if (i < 0 || this.#lines[i] !== 0) return false;
    this.#lines[i] = line;
    this.#count(i, 1);
    return true;
  }

  /** The line that kept the account of this (stored) digest, 0 when none did. */
  lineOf(digest: LineDigest): number {
    const i = this.#find(digest);
    return i < 0 ? 0 : (this.#lines[i] as number);
  }

  /**
   * Gives a kept line back, for the repository to merge as a row after all: another
   * line of the file names the same customer number or username.
   */
  release(digest: LineDigest): void {
    const i = this.#find(digest);
    if (i < 0 || this.#lines[i] === 0) return;
    this.#lines[i] = 0;
    this.#count(i, -1);
  }
}
