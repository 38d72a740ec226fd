import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { cliContract } from './cli.case.js';

const dir = mkdtempSync(join(tmpdir(), 'renueva-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fresh = 0;

describe('the renueva CLI on an embedded PGlite directory', () => {
  cliContract(
    () => ({ DATA_DIR: join(dir, 'data'), DATABASE_URL: '' }),
    () => dir,
    async () => ({ DATA_DIR: join(dir, `fresh-${++fresh}`), DATABASE_URL: '' }),
  );
});
