/** Printing helpers for commands: JSON for scripts, text for people. */
import type { TextSink } from '../runtime.js';

/** Print a value as one JSON document followed by a newline. */
export function printJson(out: TextSink, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Print lines of text. */
export function printLines(out: TextSink, lines: readonly string[]): void {
  if (lines.length > 0) out.write(`${lines.join('\n')}\n`);
}
