import { setTimeout as sleep } from 'node:timers/promises';
import type { DomainError, Result } from '@renueva/domain';

/**
 * Runs a sign-in and answers no sooner than `floorMs` after it began, so every answer
 * takes the same time whatever the identifier (ADR 0014). A `busy` refusal is decided
 * before any lookup, reveals nothing, and goes out at once. `done` is called as soon as
 * the sign-in itself is over (it threw or not), before the wait: the wait is a timer.
 */
export async function atSignInFloor<T>(
  floorMs: number,
  signIn: () => Promise<Result<T, DomainError>>,
  done?: () => void,
): Promise<Result<T, DomainError>> {
  const started = performance.now();
  let result: Result<T, DomainError>;
  try {
    result = await signIn();
  } finally {
    done?.();
  }
  if (result.isErr() && result.error.code === 'busy') return result;
  const wait = started + floorMs - performance.now();
  if (wait >= 1) await sleep(wait);
  return result;
}
