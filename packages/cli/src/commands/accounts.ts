import {
  type Account,
  type Challenge,
  type Login,
  type Lookup,
  maskEmail,
  openChallenge,
  type Throttle,
} from '@renueva/domain';
import { actorOf, type CommandContext, withRenueva } from '../context.js';
import { englishError } from '../errors.js';
import { CliError, iso, print, table } from '../output.js';

const describeChallenge = (kind: 'renewal' | 'recovery', c: Challenge | null) =>
  c
    ? {
        kind,
        issuedAt: iso(c.issuedAt),
        expiresAt: iso(c.expiresAt),
        attempts: c.attempts,
        sends: c.sends,
        lastSentAt: iso(c.lastSentAt),
      }
    : null;

const describeThrottle = (t: Throttle) => ({
  failedLogins: t.failedLogins,
  lastFailedLoginAt: iso(t.lastFailedLoginAt),
  /** In the sliding window, as last written (older ones are dropped on the next write). */
  wrongCodes: t.wrongCodesAt.length,
  wrongCodesSince: iso(t.wrongCodesAt[0] ?? null),
});

/** What support may see of a customer account: never a hash, a code or a token. */
export function describeAccount(a: Account) {
  return {
    customerNumber: a.customerNumber,
    username: a.legacyUsername,
    status: a.status,
    origin: a.status === 'pending_renewal' ? a.origin : null,
    registeredEmail: a.registeredEmail ? maskEmail(a.registeredEmail) : null,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
    migratedAt: a.status === 'migrated' ? iso(a.migratedAt) : null,
    /** Sign-in and code counters: a renewed account's are its login's. */
    counters: a.status === 'migrated' ? null : describeThrottle(a),
    challenge: describeChallenge('renewal', openChallenge(a)),
  };
}

/** What support may see of a login. */
export function describeLogin(l: Login) {
  return {
    email: maskEmail(l.email),
    customerNumbers: [...l.customerNumbers],
    createdAt: iso(l.createdAt),
    passwordChangedAt: iso(l.passwordChangedAt),
    counters: describeThrottle(l),
    challenge: describeChallenge('recovery', l.recovery),
  };
}

/** Addresses the mail provider reported undeliverable: no code goes to them. */
const describeUndeliverable = (u: Lookup['undeliverable'][number]) => ({
  email: maskEmail(u.email),
  kind: u.kind,
  detail: u.detail,
  at: iso(u.at),
});

const describe = (found: Omit<Lookup, 'undeliverable'> & Partial<Lookup>) => ({
  login: found.login ? describeLogin(found.login) : null,
  accounts: found.accounts.map(describeAccount),
  undeliverable: (found.undeliverable ?? []).map(describeUndeliverable),
});

type Described = ReturnType<typeof describe>;

const counters = (d: ReturnType<typeof describeThrottle>): [string, string][] => [
  [
    'Failed sign-ins',
    `${d.failedLogins}${d.lastFailedLoginAt ? ` (last ${d.lastFailedLoginAt})` : ''}`,
  ],
  ['Wrong codes', `${d.wrongCodes}${d.wrongCodesSince ? ` (since ${d.wrongCodesSince})` : ''}`],
];

const openCode = (c: ReturnType<typeof describeChallenge>): [string, string] => [
  'Open code',
  c
    ? `${c.kind}: issued ${c.issuedAt}, expires ${c.expiresAt}, ${c.attempts} wrong attempts, ${c.sends} sent`
    : 'none',
];

/** The human rendering: the login (if any), then each customer account. */
function render(d: Described): string {
  const parts: string[] = [];
  if (d.undeliverable.length > 0)
    parts.push(
      table(
        d.undeliverable.map((u): [string, string] => [
          'Undeliverable email',
          `${u.email}: ${u.kind === 'spam_complaint' ? 'spam complaint' : 'hard bounce'} (${u.detail}) at ${u.at}; no code goes to it until \`accounts set-email\` sets it again`,
        ]),
      ),
    );
  if (d.login)
    parts.push(
      table([
        ['Login', d.login.email],
        ['Customer numbers', d.login.customerNumbers.join(', ')],
        ['Created', d.login.createdAt],
        ['Password changed', d.login.passwordChangedAt],
        ...counters(d.login.counters),
        openCode(d.login.challenge),
      ]),
    );
  for (const a of d.accounts)
    parts.push(
      table([
        ['Customer number', a.customerNumber],
        ['Legacy username', a.username],
        ['Status', a.origin ? `${a.status} (started by ${a.origin})` : a.status],
        ['Registered email', a.registeredEmail ?? 'none on record'],
        ['Created', a.createdAt],
        ['Updated', a.updatedAt],
        ['Migrated', a.migratedAt],
        ...(a.counters ? counters(a.counters) : []),
        ...(a.status === 'migrated' ? [] : [openCode(a.challenge)]),
      ]),
    );
  return parts.join('\n\n');
}

/** `renueva accounts show <username|email|customer-number>`: a login with its customer numbers, or an account with its login. */
export async function accountsShow(
  ctx: CommandContext,
  key: string,
  options: { json: boolean },
): Promise<void> {
  const found = await withRenueva(ctx, (r) => r.useCases.findAccount({ key }));
  if (found.isErr())
    throw new CliError(`no account with username, login email or customer number "${key}"`);
  const d = describe(found.value);
  print(ctx.io, options.json, d, () => render(d));
}

/** `renueva accounts unlock <email|customer-number|username>`: clears the sign-in back-off (audited). */
export async function accountsUnlock(
  ctx: CommandContext,
  key: string,
  options: { json: boolean },
): Promise<void> {
  const result = await withRenueva(ctx, (r) =>
    r.useCases.unlockSignIn({ key, actor: actorOf(ctx) }),
  );
  if (result.isErr())
    throw new CliError(
      result.error.code === 'invalid_input'
        ? `${key}: ${englishError(result.error)}`
        : `no account with username, login email or customer number "${key}"`,
    );
  const d = describe(result.value);
  print(ctx.io, options.json, d, () =>
    d.login
      ? `Login ${d.login.email} (customer numbers ${d.login.customerNumbers.join(', ')}): sign-in back-off cleared.`
      : `Customer ${d.accounts[0]?.customerNumber} (${d.accounts[0]?.username}): sign-in back-off cleared.`,
  );
}

/** `renueva accounts set-email <customer-number> <email>`: support's fix, audited. */
export async function accountsSetEmail(
  ctx: CommandContext,
  customerNumber: string,
  email: string,
  options: { json: boolean },
): Promise<void> {
  const result = await withRenueva(ctx, (r) =>
    r.useCases.setRegisteredEmail({ customerNumber, email, actor: actorOf(ctx) }),
  );
  if (result.isErr()) {
    const e = result.error;
    const reasons: Partial<Record<typeof e.code, string>> = {
      not_found: `no account with customer number ${customerNumber}`,
      already_migrated: `customer ${customerNumber} is already renewed: the login email is not changed here (give the login's own email to clear a bounce mark on it)`,
      invalid_input: `${e.code === 'invalid_input' && e.field === 'email' ? email : customerNumber}: ${englishError(e)}`,
    };
    throw new CliError(
      reasons[e.code] ?? `customer ${customerNumber}: ${englishError(e)}`,
      e.code === 'invalid_input' ? 2 : 1,
    );
  }
  const d = describeAccount(result.value);
  print(ctx.io, options.json, d, () =>
    d.status === 'migrated'
      ? `Customer ${d.customerNumber} (${d.username}) is renewed: its login email is vouched for again; any bounce or complaint mark on it is cleared.`
      : `Customer ${d.customerNumber} (${d.username}): email set to ${d.registeredEmail}; status ${d.status}.`,
  );
}
