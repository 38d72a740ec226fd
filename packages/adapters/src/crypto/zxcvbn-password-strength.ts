import { createRequire } from 'node:module';
import type { PasswordStrength } from '@renueva/domain';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

type Zxcvbn = typeof import('@zxcvbn-ts/core');
type Language = typeof import('@zxcvbn-ts/language-es-es');
type Common = typeof import('@zxcvbn-ts/language-common');

/**
 * The dictionaries, loaded at the first need (their CommonJS builds, so `check` stays
 * synchronous): about 0.3 s and 30 MB of heap that a command which never judges a
 * password, such as an import, neither waits for nor carries (nor garbage-collects).
 */
let loaded: { zxcvbn: Zxcvbn; common: Common; spanish: Language } | null = null;
const require = createRequire(import.meta.url);
const load = () =>
  (loaded ??= {
    zxcvbn: require('@zxcvbn-ts/core'),
    common: require('@zxcvbn-ts/language-common'),
    spanish: require('@zxcvbn-ts/language-es-es'),
  });

/**
 * zxcvbn score 3 ("safely unguessable: moderate protection from offline slow-hash
 * attacks", about 10^8 guesses) is the bar: with argon2id and online throttling it is
 * ample, and lower scores are what breach lists are made of.
 */
const MIN_SCORE = 3;

/**
 * zxcvbn-ts ships Spain's Spanish; the portal speaks to Mexican customers with "tú".
 * These sentences replace the ones that read foreign or carry a slip ("Evitas…",
 * "Su contraseña…", missing full stops); the rest are neutral and kept.
 */
export const feedbackEsMx = () => {
  const { spanish } = load();
  return {
    ...spanish.translations,
    warnings: {
      ...spanish.translations.warnings,
      straightRow: 'Las teclas seguidas de una fila del teclado son fáciles de adivinar.',
      keyPattern: 'Los patrones cortos de teclado son fáciles de adivinar.',
      simpleRepeat: 'Los caracteres repetidos como "aaa" son fáciles de adivinar.',
      sequences: 'Las secuencias comunes como "abc" son fáciles de adivinar.',
      wordByItself: 'Una sola palabra es fácil de adivinar.',
      namesByThemselves: 'Los nombres o apellidos solos son fáciles de adivinar.',
      commonNames: 'Los nombres y apellidos comunes son fáciles de adivinar.',
      userInputs: 'No debe contener datos personales ni del portal.',
      pwned: 'Tu contraseña apareció en una filtración de datos en internet.',
    },
    suggestions: {
      ...spanish.translations.suggestions,
      reverseWords: 'Evita palabras comunes escritas al revés.',
      repeated: 'Evita palabras y letras repetidas.',
      anotherWord: 'Agrega más palabras poco comunes.',
      pwned: 'Si usas esta contraseña en otro sitio, cámbiala.',
    },
  };
};

function build(): ZxcvbnFactory {
  const { zxcvbn, common, spanish } = load();
  return new zxcvbn.ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...spanish.dictionary },
    graphs: common.adjacencyGraphs,
    translations: feedbackEsMx(),
  });
}

/** The "too common" verdict with the common + Spanish dictionaries, feedback in es-MX. */
export class ZxcvbnPasswordStrength implements PasswordStrength {
  // built once, at the first check (or `warm`): the dictionaries are large
  #zxcvbn: ZxcvbnFactory | null = null;

  #factory(): ZxcvbnFactory {
    this.#zxcvbn ??= build();
    return this.#zxcvbn;
  }

  /** Loads the dictionaries now: `serve` does, so that no customer waits for them. */
  warm(): void {
    this.#factory();
  }

  check(
    password: string,
    userInputs: string[],
  ): { acceptable: true } | { acceptable: false; feedback: string | null } {
    const result = this.#factory().check(password, userInputs);
    if (result.score >= MIN_SCORE) return { acceptable: true };
    const { warning, suggestions } = result.feedback;
    const feedback = [warning, ...suggestions].filter(Boolean).join(' ');
    return { acceptable: false, feedback: feedback || null };
  }
}
