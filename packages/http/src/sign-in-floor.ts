import { setTimeout as sleep } from 'node:timers/promises';
import type { DomainError, Result } from '@renueva/domain';

/**
 * Runs a sign-in and answers no sooner than `floorMs` after it began, so every answer
 * takes the same time whatever the identifier (ADR 0014). A `busy` refusal is decided
 * before any lookup, reveals nothing, and goes out at once.
 */
export async function atSignInFloor<T>(
  floorMs: number,
  signIn: () => Promise<Result<T, DomainError>>,
): Promise<Result<T, DomainError>> {
  const started = performance.now();
  const result = await signIn();
  if (result.isErr() && result.error.code === 'busy') return result;
  const wait = started + floorMs - performance.now();
  if (wait >= 1) await sleep(wait);
  return result;
}
