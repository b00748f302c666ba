/**
 * Where a JSON syntax error is, as line and column: V8's message names only the offset
 * ("... in JSON at position 32"), which an operator cannot find in an editor.
 */

/** A 1-based line and column in a text. */
export interface TextPosition {
  /** Line, from 1. */
  line: number;
  /** Column, from 1, in UTF-16 code units (what the offset counts). */
  column: number;
}

/** The line and column of the offset in `JSON.parse`'s error `message` for `text`, or null when it names none. */
export function jsonErrorPosition(text: string, message: string): TextPosition | null {
  const m = /\bat position (\d+)\b/.exec(message);
  if (m === null) return null;
  const offset = Math.min(Number(m[1]), text.length);
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** The message without V8's own offset (the line and column replace it); other messages are kept as they are. */
export function withoutOffset(message: string): string {
  return message.replace(/ at position \d+(?: \(line \d+ column \d+\))?$/, '');
}
