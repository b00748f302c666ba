/**
 * Checking a part of a request (its body, parameters or query) against a zod schema: the parsed
 * value, or a 400 naming the part and the path of the first issue
 * (`body.agent: Invalid input: expected string, received number`). zod/mini, which the config
 * loads too: zod's classic API costs start-up time that READY=1 would wait for.
 */
import * as z from 'zod/mini';
import '../config/zod-english.js';
import { HttpError } from './http/body.js';

/** The parsed `data`, or an {@link HttpError} 400 describing the first issue. */
export function validatePart<T>(schema: z.core.$ZodType<T>, part: string, data: unknown): T {
  const result = z.safeParse(schema, data);
  if (result.success) return result.data;
  throw new HttpError(400, 'bad_request', describeIssue(part, result.error.issues));
}

/** `part.path: message` of the first issue, e.g. `body.agent: Invalid input`. */
export function describeIssue(part: string, issues: readonly z.core.$ZodIssue[]): string {
  const first = issues[0];
  if (first === undefined) return `${part} is invalid`;
  const path = [part, ...first.path.map(String)].join('.');
  return `${path}: ${first.message}`;
}

/** The `:id` of the task routes: a UUID. */
export const taskIdParams = z.object({ id: z.string().check(z.regex(/^[0-9a-fA-F-]{36}$/, 'Expected a task id (a UUID)')) });
