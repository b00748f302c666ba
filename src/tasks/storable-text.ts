/**
 * Text a task row keeps that comes from outside (an agent's output, a failure's message). An
 * agent may write any bytes, and PostgreSQL's `text` cannot hold NUL: storing it fails the
 * UPDATE, and the task would stay `running`. Both backends store the same text, so NUL becomes
 * U+FFFD, the character bytes that are not UTF-8 already became when the output was decoded.
 */
import type { TaskEnd } from './store.js';

/** `text` with every NUL replaced by U+FFFD (null stays null). */
export function storableText(text: string | null): string | null {
  return text !== null && text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text;
}

/** The output and reason of `end` as a row can store them. */
export function storableEnd(end: TaskEnd): { output: string | null; reason: string | null } {
  return { output: storableText(end.output ?? null), reason: storableText(end.reason) };
}
