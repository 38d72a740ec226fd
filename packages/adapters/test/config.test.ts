import { defaultPolicies } from '@renueva/domain';
import { describe, expect, it } from 'vitest';
import { contrastWithWhite, DEFAULT_BRAND } from '../src/brand.js';
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
    expect(config.postmarkWebhook).toBeNull();
  });

  it('reads the Postmark webhook credentials: basic auth, a secret header, or both', () => {
    const password = 'a-webhook-password-long';
    const token = 'a-webhook-token-that-is-long';
    expect(
      loadConfig({ POSTMARK_WEBHOOK_USERNAME: 'postmark', POSTMARK_WEBHOOK_PASSWORD: password })
        .postmarkWebhook,
    ).toEqual({ basicAuth: { username: 'postmark', password }, token: null });
    expect(loadConfig({ POSTMARK_WEBHOOK_TOKEN: token }).postmarkWebhook).toEqual({
      basicAuth: null,
      token,
    });
  });

  it('exposes the metrics on their own port and/or behind a token; by default nowhere', () => {
    expect(loadConfig({}).metrics).toBeNull();
    const token = 'a-metrics-token-long-enough';
    expect(loadConfig({ METRICS_TOKEN: token }).metrics).toEqual({
      port: null,
      host: '127.0.0.1',
      token,
    });
    expect(loadConfig({ METRICS_PORT: '9464', HOST: '0.0.0.0' }).metrics).toEqual({
      port: 9464,
      host: '0.0.0.0',
      token: null,
    });
    expect(
      loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5', METRICS_TOKEN: token }).metrics,
    ).toEqual({ port: 9464, host: '10.0.0.5', token });
    for (const [env, message] of [
      [{ METRICS_TOKEN: 'short' }, /^METRICS_TOKEN: must be at least 16 characters/],
      [{ METRICS_PORT: 'nine' }, /^METRICS_PORT: /],
      [{ METRICS_PORT: '70000' }, /^METRICS_PORT: /],
      [{ METRICS_PORT: '3000' }, /^METRICS_PORT: must differ from PORT/],
      [{ METRICS_HOST: '0.0.0.0' }, /^METRICS_HOST: only used with METRICS_PORT/],
    ] as const) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
    }
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
    [{ POSTMARK_WEBHOOK_USERNAME: 'postmark' }, /^POSTMARK_WEBHOOK_PASSWORD: set both/],
    [{ POSTMARK_WEBHOOK_PASSWORD: 'long-enough-password' }, /^POSTMARK_WEBHOOK_USERNAME: set both/],
    [{ POSTMARK_WEBHOOK_TOKEN: 'short' }, /^POSTMARK_WEBHOOK_TOKEN: .*16/],
    [
      { POSTMARK_WEBHOOK_USERNAME: 'a:b', POSTMARK_WEBHOOK_PASSWORD: 'long-enough-password' },
      /^POSTMARK_WEBHOOK_USERNAME: /,
    ],
    [{ POLICY_CODE_DIGITS: '4' }, /^POLICY_CODE_DIGITS: /],
    [{ BRAND_PRIMARY_COLOR: 'red' }, /^BRAND_PRIMARY_COLOR: expected a colour as #rrggbb/],
    [
      { BRAND_ACCENT_COLOR: '#ea580c' },
      /^BRAND_ACCENT_COLOR: white text on #ea580c reaches 3\.56:1/,
    ],
    [{ BRAND_LOGO_URL: 'javascript:alert(1)' }, /^BRAND_LOGO_URL: /],
    [{ SUPPORT_EMAIL: 'soporte' }, /^SUPPORT_EMAIL: /],
    [{ SUPPORT_PHONE: 'llámanos' }, /^SUPPORT_PHONE: /],
    [{ PORTAL_NAME: '  ' }, /^PORTAL_NAME: /],
    [{ POLICY_CODE_LIFETIME_SECONDS: 'ten' }, /^POLICY_CODE_LIFETIME_SECONDS: expected a number/],
  ])('names the bad variable: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('brand and support: neutral defaults, every one configurable', () => {
    const plain = loadConfig({});
    expect(plain.portalName).toBe('Portal de Facturación');
    expect(plain.brand).toEqual(DEFAULT_BRAND);
    expect(plain.brand.logoUrl).toBeNull();
    expect(plain.support).toEqual({ email: null, phone: null, hours: null });
    // the defaults themselves pass the check the variables get
    expect(contrastWithWhite(DEFAULT_BRAND.primaryColor)).toBeGreaterThanOrEqual(4.5);
    expect(contrastWithWhite(DEFAULT_BRAND.accentColor)).toBeGreaterThanOrEqual(4.5);
    const config = loadConfig({
      PORTAL_NAME: 'Portal de Facturación Gasolinera',
      BRAND_LOGO_URL: 'https://cdn.example.mx/logo.svg',
      BRAND_PRIMARY_COLOR: '#1E3A8A',
      BRAND_ACCENT_COLOR: '#9a3412',
      BRAND_FOOTER_TEXT: 'vamos juntos',
      SUPPORT_EMAIL: 'soporte@example.mx',
      SUPPORT_PHONE: '+52 (55) 1234-5678',
      SUPPORT_HOURS: 'lunes a viernes de 9:00 a 18:00 h',
    });
    expect(config.portalName).toBe('Portal de Facturación Gasolinera');
    expect(config.brand).toEqual({
      logoUrl: 'https://cdn.example.mx/logo.svg',
      primaryColor: '#1e3a8a',
      accentColor: '#9a3412',
      footerText: 'vamos juntos',
    });
    expect(config.support).toEqual({
      email: 'soporte@example.mx',
      phone: '+52 (55) 1234-5678',
      hours: 'lunes a viernes de 9:00 a 18:00 h',
    });
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
