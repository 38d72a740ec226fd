import { describe, expect, it, vi } from 'vitest';
import { type AuditRow, maskEmail } from '../../src/index.js';
import { ctx, DIEGO, errorOf, setup } from './setup.js';

const FLEET = 'admin@flotillas.mx';

/** Diego fails a sign-in, the fleet's two customer numbers renew into one login, support sets an email. */
async function history() {
  const s = await setup();
  await s.uc.logIn({ identifier: DIEGO.username, password: 'mal', context: ctx });
  await s.uc.logIn({ identifier: 'nadie', password: 'mal', context: ctx });
  await s.migrate('flotilla01', 'legacy-pass', FLEET);
  await s.migrate('flotilla02', 'legacy-pass', FLEET);
  (
    await s.uc.setRegisteredEmail({
      customerNumber: '100',
      email: 'Nuevo@Correo.mx',
      actor: 'cli:ana',
    })
  ).unwrap();
  const read = async (input: Partial<Parameters<typeof s.uc.exportAudit>[0]> = {}) => {
    const rows: AuditRow[] = [];
    const it = (
      await s.uc.exportAudit({
        since: null,
        subject: null,
        unmasked: false,
        actor: 'cli:ana',
        ...input,
      })
    ).unwrap();
    for await (const r of it) rows.push(r);
    return rows;
  };
  return { ...s, read };
}

const brief = (rows: AuditRow[]) => rows.map((r) => `${r.action} ${r.customerNumbers.join('+')}`);

describe('exportAudit (support)', () => {
  it('every credential event, oldest first, with its customer numbers and the email masked', async () => {
    const { read, ports } = await history();
    const rows = await read();
    expect(rows).toHaveLength(ports.audit.entries().length);
    expect(brief(rows)).toEqual([
      `login_failed ${DIEGO.customerNumber}`,
      'login_failed ',
      'renewal_started 102',
      'renewal_completed 102',
      'renewal_started 103',
      'renewal_completed 103',
      'email_set 100',
    ]);
    expect(rows[0]).toMatchObject({
      ip: ctx.ip,
      email: maskEmail(DIEGO.email),
      detail: { consecutive: 1 },
    });
    expect(rows[2]?.email).toBe(maskEmail(FLEET));
    expect(rows.at(-1)).toMatchObject({
      email: maskEmail('nuevo@correo.mx'),
      detail: { actor: 'cli:ana' },
    });
    expect(JSON.stringify(rows)).not.toMatch(/admin@flotillas|diego\.barron\.rmz@|nuevo@correo/);
    // nothing unmasked, nothing audited about the export
    expect(ports.audit.entries().map((e) => e.action)).not.toContain('audit_exported_unmasked');
  });

  it('by customer number (its events and its login’s) or by email (the login’s, its accounts’, those with it on record)', async () => {
    const { read, ports, uc } = await history();
    const clock = ports.clock;
    clock.advance(60);
    const since = clock.now();
    expect((await uc.logIn({ identifier: FLEET, password: 'mal', context: ctx })).isErr()).toBe(
      true,
    );
    expect(brief(await read({ subject: { customerNumber: '103' } }))).toEqual([
      'renewal_started 103',
      'renewal_completed 103',
      'login_failed 102+103',
    ]);
    expect(brief(await read({ subject: { email: 'ADMIN@flotillas.mx' } }))).toEqual([
      'renewal_started 102',
      'renewal_completed 102',
      'renewal_started 103',
      'renewal_completed 103',
      'login_failed 102+103',
    ]);
    expect(brief(await read({ subject: { email: 'nuevo@correo.mx' } }))).toEqual(['email_set 100']);
    expect(brief(await read({ since }))).toEqual(['login_failed 102+103']);
    expect(brief(await read({ subject: { customerNumber: '100' }, since }))).toEqual([]);
    expect(ports.audit.entries()).toHaveLength(8);
  });

  it('unmasked shows emails in full and is audited first, with the actor and the filter', async () => {
    const { read, ports } = await history();
    const rows = await read({ unmasked: true, subject: { customerNumber: '100' } });
    expect(rows.map((r) => r.email)).toEqual(['nuevo@correo.mx']);
    expect(ports.audit.entries().at(-1)).toMatchObject({
      action: 'audit_exported_unmasked',
      accountId: null,
      loginId: null,
      detail: { actor: 'cli:ana', customerNumber: '100', email: null, since: null },
    });
    // the export of everything shows the earlier export too
    expect((await read()).at(-1)).toMatchObject({
      action: 'audit_exported_unmasked',
      customerNumbers: [],
      detail: { actor: 'cli:ana', customerNumber: '100' },
    });
  });

  it('audits an unmasked export of everyone or of an email with that subject, masked in later exports', async () => {
    const { read, ports } = await history();
    await read({ unmasked: true });
    expect(ports.audit.entries().at(-1)).toMatchObject({
      action: 'audit_exported_unmasked',
      detail: { actor: 'cli:ana', since: null, customerNumber: null, email: null },
    });
    await read({ unmasked: true, subject: { email: FLEET } });
    expect(ports.audit.entries().at(-1)).toMatchObject({
      action: 'audit_exported_unmasked',
      detail: { actor: 'cli:ana', customerNumber: null, email: FLEET },
    });
    // the email in that entry's detail is masked like any other, shown only unmasked
    expect((await read()).at(-1)?.detail).toEqual({
      actor: 'cli:ana',
      since: null,
      customerNumber: null,
      email: maskEmail(FLEET),
    });
    expect((await read({ unmasked: true })).at(-2)?.detail).toMatchObject({ email: FLEET });
  });

  it('names no subject it cannot find, and rejects a malformed one', async () => {
    const { uc, ports } = await history();
    const run = (subject: { customerNumber: string } | { email: string }) =>
      uc.exportAudit({ since: null, subject, unmasked: true, actor: 'cli:ana' });
    expect(errorOf(await run({ customerNumber: '999999' }))).toEqual({ code: 'not_found' });
    expect(errorOf(await run({ email: 'nadie@x.mx' }))).toEqual({ code: 'not_found' });
    expect(errorOf(await run({ customerNumber: 'abc' }))).toMatchObject({ code: 'invalid_input' });
    expect(errorOf(await run({ email: 'no-es-correo' }))).toMatchObject({ code: 'invalid_input' });
    // a refused export is not audited as one
    expect(ports.audit.entries().map((e) => e.action)).not.toContain('audit_exported_unmasked');
  });

  it('reads the trail a page at a time', async () => {
    const { ports, uc } = await history();
    const many = Array.from({ length: 1100 }, (_, i) => ({
      action: 'login_failed' as const,
      accountId: null,
      loginId: null,
      at: ports.clock.now(),
      ip: null,
      detail: { i },
    }));
    await ports.audit.append(many);
    const list = vi.spyOn(ports.audit, 'list');
    const it = (
      await uc.exportAudit({ since: null, subject: null, unmasked: false, actor: 'x' })
    ).unwrap();
    let n = 0;
    for await (const _ of it) n++;
    expect(n).toBe(1107);
    expect(list.mock.calls.map(([, page]) => page.limit)).toEqual([500, 500, 500]);
  });
});
