#!/usr/bin/env node
// bench/login: throughput of the logIn use case (migrated accounts, email + password,
// memory store, real argon2id) against raw @node-rs/argon2 verify with the same
// parameters, measured in the same run at the same concurrency. The ratio shows what
// the use case costs on top of the hash itself.   node bench/login/run.mjs [seconds]
import { hash, verify } from '@node-rs/argon2';
import {
  Argon2PasswordHasher,
  createMemoryPorts,
  lastCodeFor,
  seedLegacyAccounts,
} from '@renueva/adapters';
import { createUseCases } from '@renueva/domain';

const seconds = Number(process.argv[2] ?? 5);
const concurrency = 4;
const PASSWORD = 'tortuga violeta bajo el puente';
const ctx = { ip: '127.0.0.1', userAgent: 'bench' };

async function measure(label, once) {
  let done = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await once(done);
        done++;
      }
    }),
  );
  const rate = done / seconds;
  console.log(
    `${label.padEnd(28)} ${rate.toFixed(1)} ops/s (${done} in ${seconds} s, concurrency ${concurrency})`,
  );
  return rate;
}

const hasher = await Argon2PasswordHasher.create({ maxQueue: 1000 });
const ports = createMemoryPorts({ hasher });
const accounts = Array.from({ length: 20 }, (_, i) => ({
  username: `user${i}`,
  password: 'legacy-pass',
  customerNumber: String(1000 + i),
  email: `user${i}@example.mx`,
}));
await seedLegacyAccounts(ports, accounts);
const uc = createUseCases(ports);
for (const a of accounts) {
  const started = (
    await uc.logIn({ identifier: a.username, password: a.password, context: ctx })
  ).unwrap();
  (
    await uc.completeRenewal({
      flowToken: started.flowToken,
      code: lastCodeFor(ports.outbox, a.email),
      newPassword: PASSWORD,
      confirmation: PASSWORD,
      context: ctx,
    })
  ).unwrap();
}

const stored = await hash(PASSWORD, {
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});
const raw = await measure('raw argon2id verify', () => verify(stored, PASSWORD));
const login = await measure('logIn use case', async (i) => {
  const r = await uc.logIn({
    identifier: accounts[i % accounts.length].email,
    password: PASSWORD,
    context: ctx,
  });
  if (!r.isOk() || r.value.kind !== 'signed_in') throw new Error(`unexpected ${JSON.stringify(r)}`);
});
console.log(`ratio (logIn / raw verify): ${(login / raw).toFixed(2)}`);
