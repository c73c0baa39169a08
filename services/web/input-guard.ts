import type { Ajv, ErrorObject } from 'ajv';

/** A validator as Fastify calls it: true, or false with its errors on the function. */
type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * Compiles a schema with ajv, then refuses what the schema language lets through but the service cannot
 * store or use: text with a NUL character or an unpaired surrogate (PostgreSQL refuses both), and a
 * number that is not finite (a query string's "Infinity" passes ajv's coercion and its maximum). Each is
 * a 400 naming the field, like any other validation error.
 */
export function guardedValidator(ajv: Ajv, schema: object): Validator {
  const validate = ajv.compile(schema);
  const guarded: Validator = (data) => {
    if (!validate(data)) {
      guarded.errors = validate.errors;
      return false;
    }
    const problem = firstProblem(data, '');
    guarded.errors = problem ? [{ instancePath: problem.path, schemaPath: '#', keyword: 'input', params: {}, message: problem.message }] : null;
    return problem === null;
  };
  return guarded;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function firstProblem(value: unknown, path: string): { path: string; message: string } | null {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return { path, message: 'must not contain a NUL character (\\u0000)' };
    if (LONE_SURROGATE.test(value)) return { path, message: 'must be valid Unicode text (it has an unpaired surrogate)' };
    return null;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? null : { path, message: 'must be a finite number' };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = firstProblem(item, `${path}/${index}`);
      if (problem) return problem;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const problem = firstProblem(key, `${path}/${key}`) ?? firstProblem(item, `${path}/${key}`);
      if (problem) return problem;
    }
  }
  return null;
}
