/**
 * The journal logger: structured entries through sd_journal_sendv(3) (the `systemd-journald`
 * binding), with SYSLOG_IDENTIFIER, SHUTDOWN_PHASE, the phase's MESSAGE_ID and INVOCATION_ID.
 * Without the journal socket it writes one human line to stderr (see ./fallback.ts).
 * Logging never throws into the caller: a bad field name is dropped and reported to `onError`.
 * See https://www.freedesktop.org/software/systemd/man/sd_journal_print.html
 */
import { HooksError } from '../../errors.js';
import type { Env, TextSink } from '../../runtime.js';
import { MESSAGE_IDS } from './catalog.js';
import { formatFallbackLine } from './fallback.js';
import { assertFieldName, encodeFieldValue, isValidFieldName, RESERVED_FIELDS, type JournalFieldValue } from './fields.js';
import { journalSocketExists, nativeJournalSend } from './native.js';

export { encodeJournalFields, isValidFieldName, type JournalFieldValue } from './fields.js';

import type { ShutdownPhase } from '../../vocabulary.js';

export type { ShutdownPhase } from '../../vocabulary.js';

/** Syslog priority: 0 emerg … 3 err, 4 warning, 5 notice, 6 info, 7 debug. */
export type JournalPriority = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** One entry. `fields` are extra journal fields (TASK_ID, AGENT, DRAIN_MS, CODE_FUNC, ...). */
export interface LogEntry {
  /** MESSAGE=. */
  message: string;
  /** PRIORITY=, default 6 (info). */
  priority?: JournalPriority;
  /** SHUTDOWN_PHASE=. */
  phase?: ShutdownPhase;
  /** MESSAGE_ID= (32 hex digits; see catalog.ts). */
  messageId?: string;
  /** Extra fields; `undefined` values are left out. */
  fields?: Record<string, JournalFieldValue>;
}

/** A structured logger bound to the journal (or the stderr fallback). */
export interface JournalLogger {
  /** Write one entry. Never throws. */
  log(e: LogEntry): void;
  /** Priority 6. */
  info(message: string, fields?: LogEntry['fields']): void;
  /** Priority 4. */
  warn(message: string, fields?: LogEntry['fields']): void;
  /** Priority 3. */
  error(message: string, fields?: LogEntry['fields']): void;
  /** A shutdown phase entry: SHUTDOWN_PHASE, the phase's MESSAGE_ID, `[shutdown] ...` on fallback. */
  phase(phase: ShutdownPhase, message: string, fields?: LogEntry['fields']): void;
  /** A logger that adds `fields` to every entry (bad names throw `hooks.journal.field_name`). */
  child(fields: Record<string, string>): JournalLogger;
  /** Where entries go: the journal socket, or the stderr fallback. */
  readonly sink: 'journal' | 'stderr';
}

/** Options for {@link createJournalLogger}. */
export interface JournalLoggerOptions {
  /** The environment (INVOCATION_ID, JOURNAL_STREAM). */
  env: Env;
  /** Where fallback lines go. */
  stderr: TextSink;
  /** SYSLOG_IDENTIFIER, default `hooksctl`. */
  identifier?: string;
  /** Fields added to every entry (bad names throw `hooks.journal.field_name`). */
  fields?: Record<string, string>;
  /** Whether the journal socket exists; default checks /run/systemd/journal/socket once. */
  journalAvailable?: () => boolean;
  /** The raw transport; default the native binding. A negative return means failure (fallback). */
  send?: (priority: number, fields: string[]) => number | void;
  /** Told about problems logging swallowed (bad field names, a failing transport). */
  onError?: (error: HooksError) => void;
}

const PHASE_PRIORITY: Readonly<Record<ShutdownPhase, JournalPriority>> = { signal: 5, drain: 5, abort: 4, cleanup: 5, bye: 5 };

// Field names already checked, so the hot path skips the regex.
const knownGood = new Set<string>([
  'MESSAGE',
  'MESSAGE_ID',
  'SYSLOG_IDENTIFIER',
  'SHUTDOWN_PHASE',
  'INVOCATION_ID',
  'TASK_ID',
  'AGENT',
  'DRAIN_MS',
  'CODE_FUNC',
]);

// Append `fields` to `list`, dropping (not throwing on) bad names; returns the dropped names.
function appendLenient(list: string[], fields: Readonly<Record<string, JournalFieldValue>>): string[] {
  let dropped: string[] | undefined;
  for (const name in fields) {
    const value = fields[name];
    if (!knownGood.has(name)) {
      if (!isValidFieldName(name) || RESERVED_FIELDS.has(name)) {
        (dropped ??= []).push(name);
        continue;
      }
      if (knownGood.size < 1024) knownGood.add(name);
    }
    if (value !== undefined) list.push(`${name}=${encodeFieldValue(value)}`);
  }
  return dropped ?? [];
}

// A plain entry (exactOptionalPropertyTypes: leave `fields` out rather than set it undefined).
function entry(message: string, priority: JournalPriority, fields: LogEntry['fields']): LogEntry {
  return fields === undefined ? { message, priority } : { message, priority, fields };
}

/** Create a {@link JournalLogger}. The sink is chosen once, here. */
export function createJournalLogger(opts: JournalLoggerOptions): JournalLogger {
  const base = opts.fields ?? {};
  for (const name of Object.keys(base)) assertFieldName(name);
  const identifier = opts.identifier ?? 'hooksctl';
  const sink = (opts.journalAvailable ?? journalSocketExists)() ? 'journal' : 'stderr';
  const send = opts.send ?? nativeJournalSend;
  const journalStream = (opts.env['JOURNAL_STREAM'] ?? '') !== '';
  const report = (error: HooksError): void => {
    try {
      if (opts.onError) opts.onError(error);
      else opts.stderr.write(formatFallbackLine({ priority: 4, tag: identifier, message: `journal: ${error.message}`, journalStream }));
    } catch {
      /* logging never throws */
    }
  };
  const fallback = (priority: number, e: LogEntry): void => {
    opts.stderr.write(
      formatFallbackLine({ priority, tag: e.phase === undefined ? identifier : 'shutdown', message: e.message, journalStream }),
    );
  };
  // Fixed per logger, encoded once: SYSLOG_IDENTIFIER, INVOCATION_ID and the base fields.
  const identLine = `SYSLOG_IDENTIFIER=${encodeFieldValue(identifier)}`;
  const invocation = opts.env['INVOCATION_ID'];
  const invocationLine = invocation === undefined ? undefined : `INVOCATION_ID=${encodeFieldValue(invocation)}`;
  const baseLines = Object.entries(base).map(([name, value]) => [name, `${name}=${encodeFieldValue(value)}`] as const);
  const log = (e: LogEntry): void => {
    const priority = e.priority ?? 6;
    try {
      const list = [`MESSAGE=${encodeFieldValue(e.message)}`];
      if (e.messageId !== undefined) list.push(`MESSAGE_ID=${encodeFieldValue(e.messageId)}`);
      list.push(identLine);
      if (e.phase !== undefined) list.push(`SHUTDOWN_PHASE=${e.phase}`);
      if (invocationLine !== undefined) list.push(invocationLine);
      // Entry fields win over base fields of the same name.
      for (const [name, line] of baseLines) if (e.fields === undefined || !Object.hasOwn(e.fields, name)) list.push(line);
      const dropped = e.fields === undefined ? [] : appendLenient(list, e.fields);
      if (dropped.length > 0)
        report(
          new HooksError('hooks.journal.field_name', `Dropped invalid journal field names: ${JSON.stringify(dropped)}`, {
            details: { fields: dropped },
          }),
        );
      if (sink === 'stderr') return fallback(priority, e);
      const result = send(priority, list);
      if (typeof result === 'number' && result < 0) {
        report(new HooksError('hooks.journal.send', `sd_journal_sendv failed with errno ${-result}`, { details: { errno: -result } }));
        fallback(priority, e);
      }
    } catch (error) {
      report(
        new HooksError('hooks.journal.send', `Could not write a journal entry: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        }),
      );
      try {
        fallback(priority, e);
      } catch {
        /* logging never throws */
      }
    }
  };
  return {
    sink,
    log,
    info: (message, fields) => log(entry(message, 6, fields)),
    warn: (message, fields) => log(entry(message, 4, fields)),
    error: (message, fields) => log(entry(message, 3, fields)),
    phase: (phase, message, fields) => {
      const e: LogEntry = { message, priority: PHASE_PRIORITY[phase], phase, messageId: MESSAGE_IDS[phase] };
      if (fields !== undefined) e.fields = fields;
      log(e);
    },
    child: (fields) => createJournalLogger({ ...opts, fields: { ...base, ...fields }, journalAvailable: () => sink === 'journal' }),
  };
}
