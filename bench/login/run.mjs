#!/usr/bin/env node
// bench/login: throughput of the logIn use case (migrated accounts, email + password,
// memory store, the real Argon2PasswordHasher) against raw @node-rs/argon2 verify with
// the same parameters, in the same run and at the same number of concurrent callers.
// The ratio shows what the use case (its queue, store, audit and session work) costs on
// top of the hash itself.
//
// The two are measured in alternating short rounds, not one after the other: on a
// shared machine the load drifts, and alternating exposes both to the same drift. The
// rate printed is the median over rounds, the ratio the median of per-round ratios.
//
//   node bench/login/run.mjs [seconds]
// Seconds of measurement for each side (default 5), in rounds of 1 s: about 12 s in
// all with the set-up. Run `npm run build` first when the sources changed.
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { ARGON2ID_PARAMS, Argon2PasswordHasher } from '@renueva/adapters';
import { createUseCases } from '@renueva/domain';
import { createMemoryPorts, lastCodeFor, seedLegacyAccounts } from '@renueva/domain/testing';

const rounds = Math.max(1, Math.round(Number(process.argv[2] ?? 5)));
const roundSeconds = 1;
// twice the CPUs: enough callers to keep every core busy in both measurements
const callers = availableParallelism() * 2;
const PASSWORD = 'tortuga violeta bajo el puente';
const context = { ip: '127.0.0.1', userAgent: 'bench/login' };

/** Runs `once` from `callers` loops for `seconds`; returns completed operations per second. */
async function rate(once, seconds) {
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        await once(done);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

// --- set-up: migrated accounts in the memory store, hashed by the real hasher
// the queue is sized for the bench's callers so nothing is refused as busy
const hasher = await Argon2PasswordHasher.create({ maxQueue: callers });
const ports = createMemoryPorts({ hasher });
const accounts = Array.from({ length: 20 }, (_, i) => ({
  username: `bench${i}`,
  password: 'legacy-pass',
  customerNumber: String(1000 + i),
  email: `bench${i}@example.mx`,
}));
await seedLegacyAccounts(ports, accounts);
const useCases = createUseCases(ports);
for (const a of accounts) {
  const started = (
    await useCases.logIn({ identifier: a.username, password: a.password, context })
  ).unwrap();
  (
    await useCases.completeRenewal({
      flowToken: started.flowToken,
      code: lastCodeFor(ports.outbox, a.email),
      newPassword: PASSWORD,
      confirmation: PASSWORD,
      context,
    })
  ).unwrap();
}

const stored = await hash(PASSWORD, ARGON2ID_PARAMS);
if (!stored.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')) throw new Error(`params: ${stored}`);

const rawOnce = async () => {
  if (!(await verify(stored, PASSWORD))) throw new Error('raw verify failed');
};
const logInOnce = async (i) => {
  const r = await useCases.logIn({
    identifier: accounts[i % accounts.length].email,
    password: PASSWORD,
    context,
  });
  if (!r.isOk() || r.value.kind !== 'signed_in') throw new Error(`unexpected ${JSON.stringify(r)}`);
};

// warm-up (JIT, thread pool, allocator) is not counted
await rate(rawOnce, 0.3);
await rate(logInOnce, 0.3);

const raw = [];
const login = [];
for (let i = 0; i < rounds; i++) {
  // alternate which goes first so neither always follows the other
  if (i % 2 === 0) {
    raw.push(await rate(rawOnce, roundSeconds));
    login.push(await rate(logInOnce, roundSeconds));
  } else {
    login.push(await rate(logInOnce, roundSeconds));
    raw.push(await rate(rawOnce, roundSeconds));
  }
}

const fmt = (xs) => xs.map((x) => x.toFixed(0)).join(' ');
console.log(
  `argon2id m=19456 t=2 p=1 · ${availableParallelism()} CPUs · ${callers} concurrent callers · ${rounds} × ${roundSeconds} s rounds each`,
);
console.log(`raw @node-rs/argon2 verify  ${median(raw).toFixed(1)} /s   (rounds: ${fmt(raw)})`);
console.log(`logIn use case              ${median(login).toFixed(1)} /s   (rounds: ${fmt(login)})`);
console.log(`ratio logIn / raw verify    ${median(login.map((l, i) => l / raw[i])).toFixed(2)}`);
