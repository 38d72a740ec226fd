import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../examples/bring-your-own-ports.js';

const root = join(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** The README's code blocks that name the example file they show. */
const shown = [
  ...read('README.md').matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```\n/g),
].map(([, file, code]) => ({ file: file as string, code }));

describe('README', () => {
  it('shows each example file exactly as it is', () => {
    expect(shown.map((s) => s.file)).toEqual([
      'examples/bring-your-own-ports.ts',
      'examples/port-contracts.test.ts',
    ]);
    for (const { file, code } of shown) expect(code, file).toBe(read(file));
  });

  it('brings its own ports and takes a customer from the legacy username to the email login', async () => {
    expect(await main()).toEqual({
      imported: 1,
      maskedEmail: 'diego.******@examp**.m*',
      login: 'diego.barron@example.mx',
      customerNumbers: ['2242455'],
    });
  });
});
