/**
 * journald field rules and the pure encoding of one entry into the `KEY=value` list handed to
 * sd_journal_sendv(3). Names: `[A-Z0-9_]`, at most 64 chars, not starting with `_` or a digit.
 * Values go whole into one iovec each, so newlines cannot start another field or entry.
 * NUL cannot cross the native binding (it copies with strdup), so NUL is written as the four
 * characters `\x00`. PRIORITY is reserved: the binding adds it from the priority argument.
 * See https://www.freedesktop.org/software/systemd/man/systemd.journal-fields.html
 */
import { ExitCode, HooksError } from '../../errors.js';

/** Field values the logger accepts; `undefined` leaves the field out. */
export type JournalFieldValue = string | number | undefined;

const FIELD_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Names the caller may not set: the binding writes PRIORITY itself. */
export const RESERVED_FIELDS: ReadonlySet<string> = new Set(['PRIORITY']);

/** True when `name` is a field name journald accepts from a client. */
export function isValidFieldName(name: string): boolean {
  return FIELD_NAME.test(name);
}

/** Throw `hooks.journal.field_name` unless `name` is valid and not reserved. */
export function assertFieldName(name: string): void {
  if (isValidFieldName(name) && !RESERVED_FIELDS.has(name)) return;
  const why = RESERVED_FIELDS.has(name)
    ? 'it is reserved (pass the priority instead)'
    : 'journald allows only A-Z, 0-9 and _, at most 64 characters, not starting with _ or a digit';
  throw new HooksError('hooks.journal.field_name', `Expected journal field name ${JSON.stringify(name)} to be valid: ${why}`, {
    exitCode: ExitCode.usage,
    details: { field: name },
  });
}

/** A field value as text, with NUL written as `\x00` (the binding cannot carry NUL). */
export function encodeFieldValue(value: string | number): string {
  const text = typeof value === 'number' ? String(value) : value;
  return text.includes('\0') ? text.replaceAll('\0', '\\x00') : text;
}

/** The exact `KEY=value` list for sd_journal_sendv, in insertion order; bad names throw. */
export function encodeJournalFields(fields: Readonly<Record<string, JournalFieldValue>>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    assertFieldName(name);
    if (value !== undefined) out.push(`${name}=${encodeFieldValue(value)}`);
  }
  return out;
}
