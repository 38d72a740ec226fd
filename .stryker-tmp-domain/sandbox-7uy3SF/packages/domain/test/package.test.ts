import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

// The package as npm would publish it: `files` (directories here) and the build in dist/.
// The tests run after the build (turbo's `test` depends on `build`).
const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  files: string[];
  exports: Record<string, { types: string; default: string }>;
  [field: string]: unknown;
};
const dist = join(root, 'dist');
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
const shipped = (file: string) => pkg.files.includes(relative(root, file).split(sep)[0] ?? '');

describe('the published package', () => {
  it('is built', () => {
    expect(existsSync(join(dist, 'index.js')), 'run `npm run build` first').toBe(true);
  });

  it('points every export at a shipped, built file', () => {
    for (const [entry, target] of Object.entries(pkg.exports))
      for (const file of [target.types, target.default]) {
        expect(existsSync(join(root, file)), `${entry}: ${file}`).toBe(true);
        expect(shipped(join(root, file)), `${entry}: ${file}`).toBe(true);
      }
  });

  it('ships every file its source maps point at', () => {
    const maps = walk(dist).filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const missing = maps.flatMap((map) => {
      const { sources, sourceRoot = '' } = JSON.parse(readFileSync(map, 'utf8')) as {
        sources: string[];
        sourceRoot?: string;
      };
      return sources
        .map((source) => join(dirname(map), sourceRoot, source))
        .filter((source) => !existsSync(source) || !shipped(source))
        .map((source) => `${relative(root, map)} -> ${relative(root, source)}`);
    });
    expect(missing).toEqual([]);
  });

  it('says what it is, where it comes from, and under which licence', () => {
    expect(pkg.description).toEqual(expect.any(String));
    expect(pkg.repository).toMatchObject({ type: 'git', directory: 'packages/domain' });
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toContain('Renueva contributors');
  });
});
