import { numRuns } from '@renueva/domain/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportedLines, type LineDigest, withEmailClass } from '../src/imported-lines.js';

// ImportedLines against a plain model: a Map from the stored digest (62 bits and the email
// class) to the line that kept its account.
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const arbStored = fc
  .uniqueArray(fc.tuple(u32, u32), {
    minLength: 1,
    maxLength: 40,
    // distinct in the 62 bits that tell lines apart
    selector: ([hi, lo]) => `${hi}:${lo >>> 2}`,
  })
  .chain((pairs) =>
    fc.tuple(
      fc.constant(pairs),
      fc.array(fc.constantFrom<0 | 1 | 2>(0, 1, 2), {
        minLength: pairs.length,
        maxLength: pairs.length,
      }),
    ),
  )
  .map(([pairs, classes]) =>
    pairs.map(([hi, lo], i) => withEmailClass([hi, lo], classes[i] as 0 | 1 | 2)),
  );

const toArray = (stored: LineDigest[]) => new Uint32Array(stored.flat());

describe('ImportedLines', () => {
  it('keeps each stored account once, by the 62 bits of its line; releases give it back', () => {
    fc.assert(
      fc.property(
        arbStored,
        fc.array(
          fc.record({
            op: fc.constantFrom('claim', 'release', 'claim-other'),
            at: fc.nat(),
            // the reader's digest: any email class bits
            bits: fc.integer({ min: 0, max: 3 }),
          }),
          { maxLength: 80 },
        ),
        (stored, ops) => {
          const lines = new ImportedLines(toArray(stored));
          expect(lines.size).toBe(stored.length);
          const model = new Map<number, number>();
          let line = 1;
          for (const { op, at, bits } of ops) {
            const i = at % stored.length;
            const [hi, lo] = stored[i] as LineDigest;
            const read: LineDigest = [hi, ((lo & ~3) | bits) >>> 0];
            line++;
            if (op === 'claim') {
              const free = !model.has(i);
              expect(lines.claim(read, line)).toBe(free);
              if (free) model.set(i, line);
            } else if (op === 'release') {
              lines.release(read);
              model.delete(i);
            } else {
              // a digest no account has: never kept
              const other: LineDigest = [(hi ^ 0x80000000) >>> 0, lo];
              const known = stored.some(([h, l]) => h === other[0] && l >>> 2 === lo >>> 2);
              if (!known) expect(lines.claim(other, line)).toBe(false);
            }
            for (const [j, [h, l]] of stored.entries())
              expect(lines.lineOf([h, l])).toBe(model.get(j) ?? 0);
            expect(lines.kept).toBe(model.size);
            const ofClass = (c: number) =>
              [...model.keys()].filter((j) => ((stored[j] as LineDigest)[1] & 3) === c).length;
            expect(lines.keptByEmail).toEqual([ofClass(0), ofClass(1), ofClass(2)]);
          }
        },
      ),
      { numRuns: numRuns(200) },
    );
  });

  it('an unknown digest is never kept, has no line, and releasing it changes nothing', () => {
    const lines = new ImportedLines(toArray([withEmailClass([1, 8], 2)]));
    expect(lines.claim([2, 8], 5)).toBe(false);
    expect(lines.lineOf([2, 8])).toBe(0);
    lines.release([2, 8]);
    expect(lines.claim([1, 9], 6)).toBe(true);
    expect(lines.lineOf([1, 8])).toBe(6);
    lines.release([2, 8]);
    expect(lines.kept).toBe(1);
    expect(lines.keptByEmail).toEqual([0, 0, 1]);
  });

  it('digests that share their first half are still told apart by the second', () => {
    const lines = new ImportedLines(
      toArray([withEmailClass([7, 0x100], 2), withEmailClass([7, 0x200], 0)]),
    );
    expect(lines.claim([7, 0x200], 3)).toBe(true);
    expect(lines.lineOf([7, 0x100])).toBe(0);
    expect(lines.lineOf([7, 0x200])).toBe(3);
    expect(lines.keptByEmail).toEqual([1, 0, 0]);
  });

  it('withEmailClass replaces the last two bits only', () => {
    expect(withEmailClass([0xffffffff, 0xffffffff], 0)).toEqual([0xffffffff, 0xfffffffc]);
    expect(withEmailClass([5, 0], 1)).toEqual([5, 1]);
    expect(withEmailClass([-1, 6], 2)).toEqual([0xffffffff, 6]);
  });
});
