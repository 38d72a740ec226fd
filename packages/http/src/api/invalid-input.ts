import type { z } from '@hono/zod-openapi';

/** A request the schema refused: where (a dotted path; empty for the body itself) and why. */
export interface InputProblem {
  field: string;
  message: string;
}

export const NOT_JSON: InputProblem = {
  field: '',
  message: 'El cuerpo de la solicitud no es JSON válido.',
};
export const EMPTY_BODY: InputProblem = {
  field: '',
  message: 'El cuerpo de la solicitud está vacío: envía un objeto JSON.',
};

const KIND: Record<string, string> = {
  string: 'texto',
  number: 'un número',
  int: 'un número entero',
  boolean: 'verdadero o falso',
  object: 'un objeto',
  array: 'una lista',
};

const valueAt = (data: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (value, key) =>
      value !== null && typeof value === 'object' && Object.hasOwn(value, key)
        ? (value as Record<PropertyKey, unknown>)[key]
        : undefined,
    data,
  );

/**
 * The first thing wrong with a body, in Spanish (zod's own messages are English). `data`
 * is the body as sent, to tell a missing field from one of the wrong type.
 */
export function inputProblem(error: z.ZodError, data: unknown): InputProblem {
  const issue = error.issues[0];
  if (!issue) return { field: '', message: 'La solicitud no es válida.' };
  const field = issue.path.map(String).join('.');
  const name = `El campo ${field}`;
  if (field === '') return { field, message: 'El cuerpo de la solicitud debe ser un objeto JSON.' };
  switch (issue.code) {
    case 'invalid_type':
      return valueAt(data, issue.path) === undefined
        ? { field, message: `Falta el campo ${field}.` }
        : { field, message: `${name} debe ser ${KIND[issue.expected] ?? 'de otro tipo'}.` };
    case 'too_big':
      return {
        field,
        message:
          issue.origin === 'string'
            ? `${name} admite como máximo ${issue.maximum} caracteres.`
            : `${name} es demasiado grande.`,
      };
    case 'too_small':
      return {
        field,
        message:
          issue.origin === 'string'
            ? `${name} debe tener al menos ${issue.minimum} caracteres.`
            : `${name} es demasiado pequeño.`,
      };
    default:
      return { field, message: `${name} no es válido.` };
  }
}
