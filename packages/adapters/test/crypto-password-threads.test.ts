import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { getPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Argon2PasswordHasher } from '../src/crypto/argon2-password-hasher.js';
import {
  JOBS_PER_THREAD,
  PASSWORD_THREAD_NICENESS,
  PasswordThreadError,
  PasswordThreads,
} from '../src/crypto/password-threads.js';
import { WorkLimiter } from '../src/crypto/work-limiter.js';

const PASSWORD = 'una frase bastante larga';
const threads = new PasswordThreads(2);
afterAll(() => threads.close());

describe('password threads', () => {
  it('hash and verify argon2id, bcrypt and PBKDF2 as the libraries do', async () => {
    const stored = await threads.run({ kind: 'argon2-hash', password: PASSWORD });
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await threads.run({ kind: 'argon2-verify', hash: stored, password: PASSWORD })).toBe(
      true,
    );
    expect(await threads.run({ kind: 'argon2-verify', hash: stored, password: 'otra' })).toBe(
      false,
    );
    // a published vector (passlib, from John the Ripper 1.7.9)
    const bcrypt = '$2a$05$c92SVSfjeiCD6F2nAD6y0uBpJDjdRkt0EgeC4/31Rf2LUZbDRDE.O';
    expect(await threads.run({ kind: 'bcrypt-verify', hash: bcrypt, password: 'U*U*U*U*' })).toBe(
      true,
    );
    // RFC 6070: PBKDF2-HMAC-SHA1("password", "salt", 2 iterations)
    const expected = Buffer.from('ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957', 'hex');
    const pbkdf2 = { kind: 'pbkdf2-verify', salt: Buffer.from('salt'), iterations: 2 } as const;
    expect(await threads.run({ ...pbkdf2, digest: 'sha1', password: 'password', expected })).toBe(
      true,
    );
    expect(await threads.run({ ...pbkdf2, digest: 'sha1', password: 'Password', expected })).toBe(
      false,
    );
  });

  it('answer false for a malformed hash, as the async verifies did, and never throw', async () => {
    for (const hash of ['', '$argon2id$nonsense', '\u0000'.repeat(3)]) {
      expect(await threads.run({ kind: 'argon2-verify', hash, password: PASSWORD })).toBe(false);
      expect(await threads.run({ kind: 'bcrypt-verify', hash, password: PASSWORD })).toBe(false);
    }
  });

  it('run at the lowest OS priority, where the platform allows, and leave the others alone', async (ctx) => {
    if (!existsSync('/proc/thread-self')) return ctx.skip('no /proc/thread-self: not Linux');
    await Promise.all([
      threads.run({ kind: 'argon2-verify', hash: 'x', password: PASSWORD }),
      threads.run({ kind: 'argon2-verify', hash: 'y', password: PASSWORD }),
    ]);
    const ids = await threads.threadIds();
    expect(ids).toHaveLength(2);
    const mine = getPriority();
    for (const tid of ids) {
      expect(tid).not.toBe(process.pid);
      expect(getPriority(tid as number)).toBe(Math.max(mine, PASSWORD_THREAD_NICENESS));
    }
    // only those threads: this one keeps its priority
    expect(getPriority()).toBe(mine);
  });

  it('hand each thread its next job while it computes one, an idle thread first', async () => {
    const two = new PasswordThreads(2);
    const first = [1, 2].map(() => two.run({ kind: 'argon2-hash', password: PASSWORD }));
    expect(two.held()).toEqual([1, 1]);
    await Promise.all(first);
    const one = new PasswordThreads(1);
    const jobs = [1, 2, 3].map(() => one.run({ kind: 'argon2-hash', password: PASSWORD }));
    // the next waits in the thread's port, not for the event loop; the third for room
    expect(one.held()).toEqual([JOBS_PER_THREAD]);
    for (const hash of await Promise.all(jobs)) expect(hash).toMatch(/^\$argon2id\$/);
    expect(one.held()).toEqual([0]);
    await Promise.all([one.close(), two.close()]);
  });

  it('turn a thread that stops under a job into a clean error, and start a new one after', async () => {
    const one = new PasswordThreads(1);
    const running = one.run({ kind: 'argon2-hash', password: PASSWORD });
    const waiting = one.run({ kind: 'argon2-hash', password: PASSWORD });
    await one.threadIds(); // the thread has started
    await one.close();
    await expect(running).rejects.toBeInstanceOf(PasswordThreadError);
    // the job it held next, not begun, goes to a fresh thread
    expect(await waiting).toMatch(/^\$argon2id\$/);
    expect(await one.run({ kind: 'argon2-verify', hash: 'x', password: PASSWORD })).toBe(false);
    await one.close();
  });

  it('answer an unknown job with an error and keep the thread', async () => {
    const one = new PasswordThreads(1);
    // biome-ignore lint/suspicious/noExplicitAny: a job no caller can build, on purpose
    await expect(one.run({ kind: 'nonsense' } as any)).rejects.toThrow('unknown password job');
    const [before] = await one.threadIds();
    expect(await one.run({ kind: 'argon2-verify', hash: 'x', password: PASSWORD })).toBe(false);
    expect(await one.threadIds()).toEqual([before]);
    await one.close();
  });

  it('are what the limiter computes on, within its bound', async () => {
    const limiter = new WorkLimiter({ concurrency: 1, maxQueue: 0 });
    const hasher = Argon2PasswordHasher.create(limiter);
    const stored = (await hasher.hash(PASSWORD)).unwrap();
    const running = hasher.verify(stored, PASSWORD);
    expect((await hasher.verify(stored, PASSWORD)).isErr()).toBe(true);
    expect((await running).unwrap()).toBe(true);
  });
});

describe('a process that hashed a password', () => {
  it('waits for the hash, then exits by itself (idle threads do not hold it)', () => {
    const dist = fileURLToPath(
      new URL('../dist/crypto/argon2-password-hasher.js', import.meta.url),
    );
    const script = `
      const { Argon2PasswordHasher } = await import(${JSON.stringify(dist)});
      const hasher = Argon2PasswordHasher.create();
      const stored = (await hasher.hash('una frase bastante larga')).unwrap();
      console.log((await hasher.verify(stored, 'una frase bastante larga')).unwrap());`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('true');
    expect(r.status).toBe(0);
  });
});
