/**
 * Fastify schema compilers backed by zod, which the service already loads for its config.
 * Route schemas are zod schemas; fastify's default Ajv and fast-json-stringify compilers are
 * never loaded (they are ~100 ms of module loading on the path to READY=1).
 */
import type { FastifyServerOptions } from 'fastify';
import type * as z from 'zod';

/**
 * The `schemaController` option for `fastify()`: zod validation, plain JSON serialization.
 * Fastify calls each factory once and the result once per route schema with `{ schema, httpPart }`;
 * its typings describe only the Ajv shape, hence the cast.
 */
export const zodSchemaController = {
  compilersFactory: {
    buildValidator: () => zodValidatorCompiler,
    buildSerializer: () => jsonSerializerCompiler,
  },
} as unknown as NonNullable<FastifyServerOptions['schemaController']>;

/** Fastify's validator-compiler contract, for a zod schema: `{ value }` on success, `{ error }` on failure. */
export function zodValidatorCompiler({
  schema,
  httpPart,
}: {
  schema: unknown;
  httpPart?: string;
}): (data: unknown) => { value: unknown } | { error: Error } {
  const zodSchema = schema as z.ZodType;
  if (typeof zodSchema?.safeParse !== 'function') throw new TypeError(`route ${httpPart ?? 'schema'} must be a zod schema`);
  return (data) => {
    const r = zodSchema.safeParse(data);
    return r.success ? { value: r.data } : { error: new Error(describe(httpPart ?? 'input', r.error.issues)) };
  };
}

/** Serialize replies with JSON.stringify (no response schemas are used). */
export function jsonSerializerCompiler(): (data: unknown) => string {
  return (data) => JSON.stringify(data);
}

// "body.agent: Invalid input: expected string, received number", the first issue only.
function describe(part: string, issues: readonly z.core.$ZodIssue[]): string {
  const first = issues[0];
  if (first === undefined) return `${part} is invalid`;
  const path = [part, ...first.path.map(String)].join('.');
  return `${path}: ${first.message}`;
}
