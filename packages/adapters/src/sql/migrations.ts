/**
 * Plain-SQL migrations, applied in order and recorded in `schema_migrations`. Kept in
 * a module (not .sql files) so they ship inside `dist/` with no copy step. Each is a
 * list of statements: PGlite's extended protocol takes one statement per query.
 * Never edit an applied migration: add a new one.
 */
export const MIGRATIONS: { name: string; statements: string[] }[] = [
  {
    name: '001-initial',
    statements: [
      `CREATE TABLE accounts (
        id uuid PRIMARY KEY,
        customer_number text NOT NULL,
        legacy_username text NOT NULL,
        registered_email text,
        status text NOT NULL CHECK (status IN ('legacy', 'pending_renewal', 'migrated')),
        legacy_password_hash text,
        login_email text,
        password_hash text,
        migrated_at timestamptz,
        password_changed_at timestamptz,
        origin text CHECK (origin IN ('login', 'recovery')),
        code_hash text,
        flow_token_hash text,
        code_issued_at timestamptz,
        code_expires_at timestamptz,
        code_attempts integer,
        code_sends integer,
        code_last_sent_at timestamptz,
        failed_logins integer NOT NULL DEFAULT 0,
        last_failed_login_at timestamptz,
        wrong_codes integer NOT NULL DEFAULT 0,
        wrong_codes_since timestamptz,
        recent_sends timestamptz[] NOT NULL DEFAULT '{}',
        version bigint NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT legacy_shape CHECK (status <> 'legacy' OR
          (legacy_password_hash IS NOT NULL AND login_email IS NULL AND code_hash IS NULL)),
        CONSTRAINT pending_shape CHECK (status <> 'pending_renewal' OR
          (legacy_password_hash IS NOT NULL AND login_email IS NULL AND code_hash IS NOT NULL AND origin IS NOT NULL)),
        CONSTRAINT migrated_shape CHECK (status <> 'migrated' OR
          (legacy_password_hash IS NULL AND login_email IS NOT NULL AND password_hash IS NOT NULL)),
        CONSTRAINT challenge_shape CHECK ((code_hash IS NULL) = (flow_token_hash IS NULL))
      )`,
      'CREATE UNIQUE INDEX accounts_customer_number ON accounts (customer_number)',
      'CREATE UNIQUE INDEX accounts_legacy_username ON accounts (lower(legacy_username))',
      'CREATE UNIQUE INDEX accounts_login_email ON accounts (lower(login_email))',
      'CREATE INDEX accounts_registered_email ON accounts (lower(registered_email))',
      'CREATE INDEX accounts_flow_token ON accounts (flow_token_hash) WHERE flow_token_hash IS NOT NULL',
      `CREATE TABLE sessions (
        id_hash text PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`,
      'CREATE INDEX sessions_account ON sessions (account_id)',
      `CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        template text NOT NULL,
        recipient text NOT NULL,
        locale text NOT NULL,
        data jsonb NOT NULL,
        secret text,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        next_attempt_at timestamptz,
        locked_until timestamptz,
        last_error text,
        sent_at timestamptz
      )`,
      `CREATE INDEX outbox_due ON outbox (created_at) WHERE status = 'pending'`,
      `CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        action text NOT NULL,
        account_id uuid,
        at timestamptz NOT NULL,
        ip text,
        detail jsonb NOT NULL DEFAULT '{}'
      )`,
      'CREATE INDEX audit_log_at ON audit_log (at)',
      'CREATE INDEX audit_log_account ON audit_log (account_id)',
    ],
  },
  {
    // the schema rate-limiter-flexible's RateLimiterPostgres expects (it is told not to make it)
    name: '002-rate-limits',
    statements: [
      `CREATE TABLE rate_limits (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`,
    ],
  },
  {
    // One login for several customer numbers (ADR 0007): the email, password, recovery
    // challenge and sign-in counters move from each migrated account to a login; every
    // migrated account becomes a login of its own (same id, so sessions keep pointing at
    // it) with one customer number, the same password and nothing lost.
    name: '003-logins',
    statements: [
      `CREATE TABLE logins (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        password_hash text NOT NULL,
        password_changed_at timestamptz NOT NULL,
        code_hash text,
        flow_token_hash text,
        code_issued_at timestamptz,
        code_expires_at timestamptz,
        code_attempts integer,
        code_sends integer,
        code_last_sent_at timestamptz,
        failed_logins integer NOT NULL DEFAULT 0,
        last_failed_login_at timestamptz,
        wrong_codes integer NOT NULL DEFAULT 0,
        wrong_codes_since timestamptz,
        recent_sends timestamptz[] NOT NULL DEFAULT '{}',
        version bigint NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT login_challenge_shape CHECK ((code_hash IS NULL) = (flow_token_hash IS NULL))
      )`,
      'CREATE UNIQUE INDEX logins_email ON logins (lower(email))',
      'CREATE INDEX logins_flow_token ON logins (flow_token_hash) WHERE flow_token_hash IS NOT NULL',
      `INSERT INTO logins (id, email, password_hash, password_changed_at, code_hash, flow_token_hash,
         code_issued_at, code_expires_at, code_attempts, code_sends, code_last_sent_at,
         failed_logins, last_failed_login_at, wrong_codes, wrong_codes_since, recent_sends,
         version, created_at, updated_at)
       SELECT id, lower(login_email), password_hash, password_changed_at, code_hash, flow_token_hash,
         code_issued_at, code_expires_at, code_attempts, code_sends, code_last_sent_at,
         failed_logins, last_failed_login_at, wrong_codes, wrong_codes_since, recent_sends,
         1, migrated_at, updated_at
       FROM accounts WHERE status = 'migrated'`,
      'ALTER TABLE accounts ADD COLUMN login_id uuid REFERENCES logins (id)',
      'ALTER TABLE accounts DROP CONSTRAINT migrated_shape',
      `UPDATE accounts SET login_id = id, code_hash = NULL, flow_token_hash = NULL,
         code_issued_at = NULL, code_expires_at = NULL, code_attempts = NULL, code_sends = NULL,
         code_last_sent_at = NULL, failed_logins = 0, last_failed_login_at = NULL,
         wrong_codes = 0, wrong_codes_since = NULL, recent_sends = '{}'
       WHERE status = 'migrated'`,
      // the old shape checks name login_email: dropping the column would drop them silently
      'ALTER TABLE accounts DROP CONSTRAINT legacy_shape',
      'ALTER TABLE accounts DROP CONSTRAINT pending_shape',
      'DROP INDEX accounts_login_email',
      'ALTER TABLE accounts DROP COLUMN login_email',
      'ALTER TABLE accounts DROP COLUMN password_hash',
      'ALTER TABLE accounts DROP COLUMN password_changed_at',
      `ALTER TABLE accounts ADD CONSTRAINT legacy_shape CHECK (status <> 'legacy' OR
        (legacy_password_hash IS NOT NULL AND login_id IS NULL AND code_hash IS NULL))`,
      `ALTER TABLE accounts ADD CONSTRAINT pending_shape CHECK (status <> 'pending_renewal' OR
        (legacy_password_hash IS NOT NULL AND login_id IS NULL AND code_hash IS NOT NULL AND origin IS NOT NULL))`,
      `ALTER TABLE accounts ADD CONSTRAINT migrated_shape CHECK (status <> 'migrated' OR
        (legacy_password_hash IS NULL AND login_id IS NOT NULL AND code_hash IS NULL))`,
      'CREATE INDEX accounts_login ON accounts (login_id) WHERE login_id IS NOT NULL',
      // sessions belong to a login and work on one of its customer numbers
      'ALTER TABLE sessions ADD COLUMN login_id uuid',
      'ALTER TABLE sessions ADD COLUMN customer_number text',
      `UPDATE sessions s SET login_id = a.login_id, customer_number = a.customer_number
       FROM accounts a WHERE a.id = s.account_id`,
      'DELETE FROM sessions WHERE login_id IS NULL',
      'ALTER TABLE sessions DROP COLUMN account_id',
      'ALTER TABLE sessions ALTER COLUMN login_id SET NOT NULL',
      'ALTER TABLE sessions ALTER COLUMN customer_number SET NOT NULL',
      'ALTER TABLE sessions ADD FOREIGN KEY (login_id) REFERENCES logins (id) ON DELETE CASCADE',
      'CREATE INDEX sessions_login ON sessions (login_id)',
      // audit entries about a login; emails about several customer numbers
      'ALTER TABLE audit_log ADD COLUMN login_id uuid',
      'UPDATE audit_log l SET login_id = l.account_id FROM logins WHERE logins.id = l.account_id',
      `UPDATE outbox SET data = (data - 'customerNumber')
         || jsonb_build_object('customerNumbers', jsonb_build_array(data->'customerNumber'))
       WHERE data ? 'customerNumber'`,
    ],
  },
  {
    // Postmark's MessageID of each sent message; its bounces and spam complaints
    name: '004-delivery-events',
    statements: [
      'ALTER TABLE outbox ADD COLUMN provider_id text',
      'CREATE INDEX outbox_provider_id ON outbox (provider_id) WHERE provider_id IS NOT NULL',
      `CREATE TABLE delivery_events (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('hard_bounce', 'soft_bounce', 'spam_complaint')),
        email text NOT NULL,
        provider_message_id text,
        detail text NOT NULL,
        at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        cleared_at timestamptz
      )`,
      'CREATE INDEX delivery_events_email ON delivery_events (lower(email))',
    ],
  },
  {
    // audit export by customer or email filters on login_id; the metrics count dead emails
    name: '005-audit-login-outbox-dead',
    statements: [
      'CREATE INDEX audit_log_login ON audit_log (login_id) WHERE login_id IS NOT NULL',
      `CREATE INDEX outbox_dead ON outbox (id) WHERE status = 'dead'`,
    ],
  },
  {
    // the sign-in back-off of identifiers nobody holds, by keyed hash (ADR 0014)
    name: '006-sign-in-and-code-budgets',
    statements: [
      // wrong codes as a sliding log (at most the budget's size), and the anonymous ones
      // apart; a fixed window's count is carried over at its start, so it ends as it would
      ...['accounts', 'logins'].flatMap((table) => [
        `ALTER TABLE ${table} ADD COLUMN wrong_codes_at timestamptz[] NOT NULL DEFAULT '{}'`,
        `ALTER TABLE ${table} ADD COLUMN anonymous_wrong_codes_at timestamptz[] NOT NULL DEFAULT '{}'`,
        `UPDATE ${table} SET wrong_codes_at = array_fill(wrong_codes_since, ARRAY[least(wrong_codes, 100)])
         WHERE wrong_codes > 0 AND wrong_codes_since IS NOT NULL`,
        `ALTER TABLE ${table} DROP COLUMN wrong_codes`,
        `ALTER TABLE ${table} DROP COLUMN wrong_codes_since`,
      ]),
      `CREATE TABLE unknown_identifiers (
        key text PRIMARY KEY,
        failed_logins integer NOT NULL,
        last_failed_login_at timestamptz
      )`,
    ],
  },
  {
    // the digest of the import line that made each legacy account, so that a re-import
    // keeps the same line without validating or staging it (ADR 0012). Any change of
    // what the line said, by anything but an import (which sets the digest itself),
    // forgets it: a support fix, a wrapped hash, a renewal.
    name: '007-import-digest',
    statements: [
      'ALTER TABLE accounts ADD COLUMN import_digest bytea',
      `CREATE FUNCTION accounts_forget_import_digest() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.import_digest IS NOT DISTINCT FROM OLD.import_digest
          AND (NEW.status, NEW.customer_number, NEW.legacy_username, NEW.registered_email,
               NEW.legacy_password_hash)
            IS DISTINCT FROM (OLD.status, OLD.customer_number, OLD.legacy_username,
               OLD.registered_email, OLD.legacy_password_hash) THEN
          NEW.import_digest := NULL;
        END IF;
        RETURN NEW;
      END
      $$`,
      `CREATE TRIGGER accounts_forget_import_digest BEFORE UPDATE ON accounts
       FOR EACH ROW WHEN (OLD.import_digest IS NOT NULL)
       EXECUTE FUNCTION accounts_forget_import_digest()`,
    ],
  },
  {
    // Entries about a login (every sign-in's) have no account: indexing their NULL
    // account_id was a write per sign-in that no query reads (they all look for ids).
    name: '008-audit-account-index-partial',
    statements: [
      'DROP INDEX audit_log_account',
      'CREATE INDEX audit_log_account ON audit_log (account_id) WHERE account_id IS NOT NULL',
    ],
  },
];
