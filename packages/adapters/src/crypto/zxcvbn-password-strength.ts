import type { PasswordStrength } from '@renueva/domain';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as spanish from '@zxcvbn-ts/language-es-es';

/**
 * zxcvbn score 3 ("safely unguessable: moderate protection from offline slow-hash
 * attacks", about 10^8 guesses) is the bar: with argon2id and online throttling it is
 * ample, and lower scores are what breach lists are made of.
 */
const MIN_SCORE = 3;

/** The "too common" verdict with the common + Spanish dictionaries, feedback in Spanish. */
export class ZxcvbnPasswordStrength implements PasswordStrength {
  // built once: the dictionaries are large
  readonly #zxcvbn = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...spanish.dictionary },
    graphs: common.adjacencyGraphs,
    translations: spanish.translations,
  });

  check(
    password: string,
    userInputs: string[],
  ): { acceptable: true } | { acceptable: false; feedback: string | null } {
    const result = this.#zxcvbn.check(password, userInputs);
    if (result.score >= MIN_SCORE) return { acceptable: true };
    const { warning, suggestions } = result.feedback;
    const feedback = [warning, ...suggestions].filter(Boolean).join(' ');
    return { acceptable: false, feedback: feedback || null };
  }
}
