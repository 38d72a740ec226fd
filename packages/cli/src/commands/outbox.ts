import { maskEmail } from '@renueva/domain';
import { type CommandContext, withRenueva } from '../context.js';
import { CliError, iso, print } from '../output.js';

/** `renueva outbox list [--dead]`: newest first; recipients masked, as `accounts show` does. */
export async function outboxList(
  ctx: CommandContext,
  options: { dead: boolean; limit: number; json: boolean },
): Promise<void> {
  const entries = (
    await withRenueva(ctx, (r) =>
      r.useCases.listOutbox({
        ...(options.dead ? { status: 'dead' as const } : {}),
        limit: options.limit,
      }),
    )
  ).map((e) => ({ ...e, to: maskEmail(e.to) }));
  print(ctx.io, options.json, entries, () =>
    entries.length === 0
      ? options.dead
        ? 'No dead emails.'
        : 'The outbox is empty.'
      : entries
          .map(
            (e) =>
              `#${e.id}  ${e.status.padEnd(7)} ${e.template.padEnd(17)} ${e.to}  attempts ${e.attempts}  created ${iso(e.createdAt)}${e.nextAttemptAt && e.status === 'pending' ? `  next ${iso(e.nextAttemptAt)}` : ''}${e.lastError ? `\n      last error: ${e.lastError}` : ''}`,
          )
          .join('\n'),
  );
}

/** `renueva outbox retry <id>` or `--all-dead`: dead emails back to the queue. */
export async function outboxRetry(
  ctx: CommandContext,
  id: string | undefined,
  options: { allDead: boolean; json: boolean },
): Promise<void> {
  if (!id && !options.allDead) throw new CliError('give an email id or --all-dead', 2);
  if (id && options.allDead)
    throw new CliError('give either an email id or --all-dead, not both', 2);
  if (id && !/^\d+$/.test(id)) throw new CliError(`"${id}" is not an outbox id (a number)`, 2);
  const revived = await withRenueva(ctx, (r) =>
    r.useCases.retryOutbox(id ? { id } : { allDead: true }),
  );
  if (id && revived === 0)
    throw new CliError(
      `email #${id} is not dead, does not exist, or is a code email whose code was erased (ask for a new code)`,
    );
  print(ctx.io, options.json, { revived }, () => `${revived} email(s) queued again.`);
}
