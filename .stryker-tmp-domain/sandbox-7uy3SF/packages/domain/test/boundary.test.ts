import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', 'src');
// `@renueva/domain/testing` lives beside src/, not in it: its test doubles may use
// node:crypto, vitest and fast-check. Nothing in src/ may import it (checked below).
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

describe('the domain stays pure', () => {
  const sources = files(src).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

  it('imports only ts-results-es, zod and its own files', () => {
    const bad = sources.flatMap(({ file, text }) =>
      [
        ...text.matchAll(
          /(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
        ),
      ]
        .map((m) => m[1] ?? m[2] ?? '')
        .filter(
          (spec) =>
            !spec.startsWith('./') &&
            !spec.startsWith('../') &&
            !['ts-results-es', 'zod'].includes(spec),
        )
        .map((spec) => `${file}: ${spec}`),
    );
    expect(bad).toEqual([]);
    expect(sources.length).toBeGreaterThan(5);
  });

  it('never imports its testing entry', () => {
    const bad = sources.filter(({ text }) =>
      /from\s+['"](?:(?:\.{1,2}\/)+testing\/|@renueva\/domain\/testing)/.test(text),
    );
    expect(bad.map((s) => s.file)).toEqual([]);
  });

  it('never reads the clock or randomness itself', () => {
    const forbidden = [
      /Date\.now\(/,
      /new Date\(\)/,
      /Math\.random\(/,
      /\bcrypto\./,
      /\bprocess\./,
      /require\(/,
    ];
    const bad = sources.flatMap(({ file, text }) =>
      forbidden.filter((re) => re.test(text)).map((re) => `${file}: ${re.source}`),
    );
    expect(bad).toEqual([]);
  });
});
