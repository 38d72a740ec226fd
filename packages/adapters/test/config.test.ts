import { defaultPolicies } from '@renueva/domain';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('defaults to PGlite in ./.renueva, the console mailer and the policy defaults', () => {
    const config = loadConfig({});
    expect(config.store).toEqual({ kind: 'pglite', dataDir: './.renueva' });
    expect(config.mailer).toEqual({ kind: 'console' });
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.policies).toEqual(defaultPolicies);
    expect(config.demoAccounts).toBe(true);
    expect(config.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it('uses PostgreSQL when DATABASE_URL is set, memory when STORE=memory', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' }).store).toEqual({
      kind: 'postgres',
      url: 'postgres://u@127.0.0.1:5432/db',
    });
    expect(loadConfig({ STORE: 'memory' }).store).toEqual({ kind: 'memory' });
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT: /],
    [{ PORT: '70000' }, /^PORT: /],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /^DATABASE_URL: /],
    [{ RENUEVA_SECRET: 'short' }, /^RENUEVA_SECRET: .*32/],
    [{ NODE_ENV: 'production' }, /^RENUEVA_SECRET: required in production/],
    [{ MAILER: 'smtp' }, /^MAILER: /],
    [{ MAILER: 'postmark' }, /^POSTMARK_SERVER_TOKEN: /],
    [{ MAILER: 'postmark', POSTMARK_SERVER_TOKEN: 't' }, /^MAIL_FROM: /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    [{ TRUST_PROXY: 'yes' }, /^TRUST_PROXY: /],
    [{ POLICY_CODE_DIGITS: '4' }, /^POLICY_CODE_DIGITS: /],
    [{ POLICY_CODE_LIFETIME_SECONDS: 'ten' }, /^POLICY_CODE_LIFETIME_SECONDS: expected a number/],
  ])('names the bad variable: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads policy overrides from POLICY_* variables', () => {
    const config = loadConfig({
      POLICY_CODE_LIFETIME_SECONDS: '300',
      POLICY_MAX_SENDS_PER_HOUR: '5',
    });
    expect(config.policies.codeLifetimeSeconds).toBe(300);
    expect(config.policies.maxSendsPerHour).toBe(5);
  });

  it('configures Postmark from the environment', () => {
    const config = loadConfig({
      MAILER: 'postmark',
      POSTMARK_SERVER_TOKEN: 'server-token',
      POSTMARK_API_URL: 'http://127.0.0.1:9999',
      MAIL_FROM: 'Facturación <facturacion@example.com>',
    });
    expect(config.mailer).toEqual({
      kind: 'postmark',
      serverToken: 'server-token',
      apiUrl: 'http://127.0.0.1:9999',
      messageStream: 'outbound',
    });
  });
});
