import { userInfo } from 'node:os';
import { type Account, maskEmail, openChallenge } from '@renueva/domain';
import { errorSpanish } from '@renueva/http';
import { type CommandContext, withRenueva } from '../context.js';
import { CliError, iso, print, table } from '../output.js';

/** What support may see of an account: never a hash, a code or a token. */
export function describeAccount(a: Account) {
  const challenge = openChallenge(a);
  return {
    customerNumber: a.customerNumber,
    username: a.legacyUsername,
    status: a.status,
    origin: a.status === 'pending_renewal' ? a.origin : null,
    registeredEmail: a.registeredEmail ? maskEmail(a.registeredEmail) : null,
    loginEmail: a.status === 'migrated' ? maskEmail(a.loginEmail) : null,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
    migratedAt: a.status === 'migrated' ? iso(a.migratedAt) : null,
    passwordChangedAt: a.status === 'migrated' ? iso(a.passwordChangedAt) : null,
    failedLogins: a.failedLogins,
    lastFailedLoginAt: iso(a.lastFailedLoginAt),
    wrongCodes: a.wrongCodes,
    wrongCodesSince: iso(a.wrongCodesSince),
    challenge: challenge
      ? {
          kind: a.status === 'migrated' ? 'recovery' : 'renewal',
          issuedAt: iso(challenge.issuedAt),
          expiresAt: iso(challenge.expiresAt),
          attempts: challenge.attempts,
          sends: challenge.sends,
          lastSentAt: iso(challenge.lastSentAt),
        }
      : null,
  };
}

/** `renueva accounts show <username|email|customer-number>`. */
export async function accountsShow(
  ctx: CommandContext,
  key: string,
  options: { json: boolean },
): Promise<void> {
  const found = await withRenueva(ctx, async ({ accounts }) => {
    const k = key.trim();
    if (/^\d+$/.test(k)) return accounts.findByCustomerNumber(k);
    if (k.includes('@')) return accounts.findByLoginEmail(k);
    return accounts.findByLegacyUsername(k);
  });
  if (!found)
    throw new CliError(`no account with username, login email or customer number "${key}"`);
  const d = describeAccount(found);
  print(ctx.io, options.json, d, () =>
    table([
      ['Customer number', d.customerNumber],
      ['Legacy username', d.username],
      ['Status', d.origin ? `${d.status} (started by ${d.origin})` : d.status],
      ['Registered email', d.registeredEmail ?? 'none on record'],
      ['Login email', d.loginEmail],
      ['Created', d.createdAt],
      ['Updated', d.updatedAt],
      ['Migrated', d.migratedAt],
      ['Password changed', d.passwordChangedAt],
      [
        'Failed sign-ins',
        `${d.failedLogins}${d.lastFailedLoginAt ? ` (last ${d.lastFailedLoginAt})` : ''}`,
      ],
      ['Wrong codes', `${d.wrongCodes}${d.wrongCodesSince ? ` (since ${d.wrongCodesSince})` : ''}`],
      [
        'Open code',
        d.challenge
          ? `${d.challenge.kind}: issued ${d.challenge.issuedAt}, expires ${d.challenge.expiresAt}, ${d.challenge.attempts} wrong attempts, ${d.challenge.sends} sent`
          : 'none',
      ],
    ]),
  );
}

/** `renueva accounts set-email <customer-number> <email>`: support's fix, audited. */
export async function accountsSetEmail(
  ctx: CommandContext,
  customerNumber: string,
  email: string,
  options: { json: boolean },
): Promise<void> {
  const actor = `cli:${ctx.env.USER ?? userInfo().username}`;
  const { result, clock } = await withRenueva(ctx, async (r) => ({
    result: await r.useCases.setRegisteredEmail({ customerNumber, email, actor }),
    clock: r.clock,
  }));
  if (result.isErr()) {
    const e = result.error;
    const reasons: Partial<Record<typeof e.code, string>> = {
      not_found: `no account with customer number ${customerNumber}`,
      already_migrated: `customer ${customerNumber} is already renewed: the login email is not changed here`,
      email_taken: `${email} is already the login of another renewed account`,
      invalid_input: e.code === 'invalid_input' ? `${e.field}: ${e.message}` : '',
    };
    throw new CliError(
      reasons[e.code] ?? errorSpanish(e, clock.now()),
      e.code === 'invalid_input' ? 2 : 1,
    );
  }
  const d = describeAccount(result.value);
  print(
    ctx.io,
    options.json,
    d,
    () =>
      `Customer ${d.customerNumber} (${d.username}): email set to ${d.registeredEmail}; status ${d.status}.`,
  );
}
