import { userInfo } from 'node:os';
import { createRenueva, type Renueva } from '@renueva/adapters';
import type { Io } from './output.js';

/** What every command gets: the environment and where to write. */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  io: Io;
  /** Set by a command that finished but has something to signal (import: 3, rows rejected). */
  exitCode?: number;
}

/** Opens the configured store for one command and always closes it. */
export async function withRenueva<T>(
  ctx: CommandContext,
  fn: (r: Renueva) => Promise<T>,
): Promise<T> {
  // CLI runs log only warnings and errors unless asked otherwise
  const renueva = await createRenueva({ LOG_LEVEL: 'warn', ...ctx.env });
  try {
    return await fn(renueva);
  } finally {
    await renueva.close();
  }
}

/** Who runs a support command, for the audit trail: `cli:$USER`. */
export const actorOf = (ctx: CommandContext) => `cli:${ctx.env.USER ?? userInfo().username}`;
