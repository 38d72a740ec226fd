import { loadConfig, migrate, openDatabase } from '@renueva/adapters';
import type { CommandContext } from '../context.js';
import { CliError, print } from '../output.js';

/** `renueva db migrate`: applies pending migrations; running it again changes nothing. */
export async function dbMigrate(ctx: CommandContext, options: { json: boolean }): Promise<void> {
  const config = loadConfig(ctx.env);
  if (config.store.kind === 'memory')
    throw new CliError('STORE=memory has no schema to migrate', 2);
  const db = await openDatabase(
    config.store.kind === 'postgres'
      ? { databaseUrl: config.store.url }
      : { dataDir: config.store.dataDir },
  );
  try {
    const applied = await migrate(db);
    print(ctx.io, options.json, { applied }, () =>
      applied.length === 0 ? 'The schema is up to date.' : `Applied: ${applied.join(', ')}`,
    );
  } finally {
    await db.close();
  }
}
