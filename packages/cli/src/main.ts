import { createRequire } from 'node:module';
import { ConfigError } from '@renueva/adapters';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { accountsSetEmail, accountsShow, accountsUnlock } from './commands/accounts.js';
import { audit, parseSince, type Since } from './commands/audit.js';
import { dbMigrate } from './commands/db.js';
import { hashesCosts, hashesWrap } from './commands/hashes.js';
import { importFile } from './commands/import.js';
import { outboxList, outboxRetry } from './commands/outbox.js';
import { stats } from './commands/stats.js';
import type { CommandContext } from './context.js';
import { CliError, type Io, processIo } from './output.js';

const positiveInt = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('expected a positive whole number');
  return Number(value);
};
const rate = (value: string) => {
  if (!/^\d+(\.\d+)?$/.test(value))
    throw new InvalidArgumentError('expected a number of hashes per second (0: no bound)');
  return Number(value);
};
const port = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) > 65_535)
    throw new InvalidArgumentError('expected a port number (0-65535)');
  return Number(value);
};

/** This package's version (dist/main.js and src/main.ts both sit one level below package.json). */
const VERSION: string = createRequire(import.meta.url)('../package.json').version;

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('renueva')
    .description('Move billing-portal customers from a legacy username login to an email login.')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.out(s.trimEnd()),
      writeErr: (s) => ctx.io.err(s.trimEnd()),
    })
    .showHelpAfterError('(see renueva --help)');
  const json = new Option('--json', 'machine-readable output');

  program
    .command('serve')
    .description('serve the portal (demo accounts are seeded into an empty development store)')
    .addOption(
      new Option('-p, --port <port>', 'port to listen on (default: PORT or 3000)').argParser(port),
    )
    // loaded only here: the HTTP layer is most of what the other commands would load for nothing
    .action(async (o: { port?: number }) => (await import('./commands/serve.js')).serve(ctx, o));

  program
    .command('db')
    .description('database maintenance')
    .command('migrate')
    .description('apply pending migrations (idempotent)')
    .addOption(json)
    .action((o: { json?: boolean }) => dbMigrate(ctx, { json: Boolean(o.json) }));

  program
    .command('import')
    .description(
      'import legacy accounts from a CSV file (customer_number,username,email,password_hash)',
    )
    .argument('<file>', 'the CSV file')
    .option('--dry-run', 'check and count everything, write nothing')
    .option('--report <file>', 'write the rejected rows (line,reason) to this CSV file')
    .option(
      '--wrap',
      'then wrap the weak legacy hashes (md5, sha1, sha256, plain, LDAP {MD5}/{SHA}) with argon2id',
    )
    .addOption(
      new Option('--rate <n>', 'with --wrap: hashes per second (0: every CPU)')
        .argParser(rate)
        .default(0),
    )
    .addOption(json)
    .action(
      (
        file: string,
        o: { dryRun?: boolean; report?: string; wrap?: boolean; rate: number; json?: boolean },
      ) =>
        importFile(ctx, file, {
          dryRun: Boolean(o.dryRun),
          report: o.report,
          wrap: Boolean(o.wrap),
          rate: o.rate,
          json: Boolean(o.json),
        }).then((code) => {
          ctx.exitCode = code;
        }),
    );

  const hashes = program.command('hashes').description('legacy password hashes at rest');
  hashes
    .command('wrap')
    .description(
      'wrap every weak legacy hash (md5, sha1, sha256, plain, LDAP {MD5}/{SHA}) of accounts not yet renewed with argon2id; resumable, safe beside the portal',
    )
    .addOption(
      new Option('--rate <n>', 'hashes per second, so the portal keeps its CPU (0: no bound)')
        .argParser(rate)
        .default(10),
    )
    .addOption(
      new Option('--batch <n>', 'accounts read per query').argParser(positiveInt).default(100),
    )
    .addOption(json)
    .action((o: { rate: number; batch: number; json?: boolean }) =>
      hashesWrap(ctx, { rate: o.rate, batch: o.batch, json: Boolean(o.json) }),
    );
  hashes
    .command('costs')
    .description(
      'group the legacy hashes of accounts not yet renewed by scheme and work factor, time one check of each here, and say whether the sign-in floor hides them',
    )
    .addOption(
      new Option('--batch <n>', 'accounts read per query').argParser(positiveInt).default(1000),
    )
    .addOption(json)
    .action((o: { batch: number; json?: boolean }) =>
      hashesCosts(ctx, { batch: o.batch, json: Boolean(o.json) }),
    );

  const accounts = program.command('accounts').description('look at and fix accounts (support)');
  accounts
    .command('show')
    .description(
      'show a login with its customer numbers, or an account with its login: status, masked email, timestamps, open code (never a hash, code or token)',
    )
    .argument('<key>', 'legacy username, login email or customer number')
    .addOption(json)
    .action((key: string, o: { json?: boolean }) =>
      accountsShow(ctx, key, { json: Boolean(o.json) }),
    );
  accounts
    .command('unlock')
    .description(
      'clear the sign-in back-off (and lock) of a login or a not-yet-renewed account (audited)',
    )
    .argument('<key>', 'login email, customer number or legacy username')
    .addOption(json)
    .action((key: string, o: { json?: boolean }) =>
      accountsUnlock(ctx, key, { json: Boolean(o.json) }),
    );
  accounts
    .command('set-email')
    .description('set the email on record of an account not yet renewed (audited)')
    .argument('<customer-number>')
    .argument('<email>')
    .addOption(json)
    .action((customerNumber: string, email: string, o: { json?: boolean }) =>
      accountsSetEmail(ctx, customerNumber, email, { json: Boolean(o.json) }),
    );

  program
    .command('stats')
    .description('the migration funnel, overall and for the last 24 hours')
    .addOption(json)
    .action((o: { json?: boolean }) => stats(ctx, { json: Boolean(o.json) }));

  program
    .command('audit')
    .description(
      'the credential events (sign-ins, codes, renewals, recoveries, support changes, imports), oldest first; emails masked',
    )
    .addOption(
      new Option('--since <when>', 'a duration (24h, 7d) or an ISO date').argParser(parseSince),
    )
    .addOption(
      new Option('--customer <number>', "a customer number's events and its login's").conflicts(
        'email',
      ),
    )
    .addOption(
      new Option(
        '--email <email>',
        "a login's events, its customer numbers' and those with that email on record",
      ),
    )
    .addOption(new Option('--json', 'one JSON object per line').conflicts('csv'))
    .addOption(new Option('--csv', 'CSV with a header row'))
    .option('--unmasked', 'show emails in full (audited)')
    .action(
      (o: {
        since?: Since;
        customer?: string;
        email?: string;
        json?: boolean;
        csv?: boolean;
        unmasked?: boolean;
      }) =>
        audit(ctx, {
          ...(o.since ? { since: o.since } : {}),
          ...(o.customer !== undefined ? { customer: o.customer } : {}),
          ...(o.email !== undefined ? { email: o.email } : {}),
          format: o.json ? 'json' : o.csv ? 'csv' : 'human',
          unmasked: Boolean(o.unmasked),
        }),
    );

  const outbox = program.command('outbox').description('emails waiting, delivered or dead');
  outbox
    .command('list')
    .option('--dead', 'only emails that could not be delivered')
    .addOption(
      new Option('--limit <n>', 'how many (newest first)').argParser(positiveInt).default(50),
    )
    .addOption(json)
    .action((o: { dead?: boolean; limit: number; json?: boolean }) =>
      outboxList(ctx, { dead: Boolean(o.dead), limit: o.limit, json: Boolean(o.json) }),
    );
  outbox
    .command('retry')
    .description('queue dead emails again')
    .argument('[id]', 'the email id (see outbox list)')
    .option('--all-dead', 'every dead email')
    .addOption(json)
    .action((id: string | undefined, o: { allDead?: boolean; json?: boolean }) =>
      outboxRetry(ctx, id, { allDead: Boolean(o.allDead), json: Boolean(o.json) }),
    );
  return program;
}

/**
 * Runs the CLI; resolves to the exit code: 0 ok, 1 failure, 2 bad usage, 3 an import
 * that finished with rejected rows. With `--json`, an error is a JSON object on stdout
 * (`{"error": {"message", "exitCode"}}`) and nothing on stderr.
 */
export async function run(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: Io = processIo,
): Promise<number> {
  const json = argv.includes('--json');
  const usage: string[] = [];
  const ctx: CommandContext = {
    env,
    // commander's usage messages are collected, to be printed as JSON
    io: json ? { ...io, err: (text) => usage.push(text) } : io,
  };
  const fail = (message: string, exitCode: number) => {
    if (json) io.out(JSON.stringify({ error: { message, exitCode } }));
    else io.err(`renueva: ${message}`);
    return exitCode;
  };
  try {
    await buildProgram(ctx).parseAsync(argv, { from: 'user' });
    for (const line of usage) io.err(line);
    return ctx.exitCode ?? 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code))
        return 0;
      // without --json commander has written its message to stderr already
      return json ? fail(error.message.replace(/^error: /, ''), 2) : 2;
    }
    if (error instanceof CliError) return fail(error.message, error.exitCode);
    if (error instanceof ConfigError) return fail(`configuration: ${error.message}`, 2);
    return fail(error instanceof Error ? error.message : String(error), 1);
  }
}

/**
 * The `renueva` executable (bin/renueva.js calls it): runs `argv` and sets the exit code;
 * every command but a running `serve` exits as soon as it is done.
 */
export async function main(argv: string[]): Promise<void> {
  const code = await run(argv);
  process.exitCode = code;
  // PGlite and pools are closed by each command; exit promptly anyway
  if (code !== 0 || argv[0] !== 'serve') setImmediate(() => process.exit(code));
}
