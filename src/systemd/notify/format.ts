/**
 * The sd_notify(3) wire text, as a pure function: one `KEY=value` per line, in a fixed order.
 * Free text (STATUS=) is flattened to one line so it can never carry a second assignment.
 * See https://www.freedesktop.org/software/systemd/man/sd_notify.html
 */
import { ExitCode, HooksError } from '../../errors.js';

/** The states a service can announce with sd_notify. */
export type NotifyFields = {
  /** `READY=1`: startup finished. */
  ready?: boolean;
  /** `STATUS=`: free text for `systemctl status` (flattened to one line). */
  status?: string;
  /** `STOPPING=1`: the stop path began. */
  stopping?: boolean;
  /** `EXTEND_TIMEOUT_USEC=`: extend the current start/runtime/stop timeout by this many µs from now. */
  extendTimeoutUsec?: number;
  /** `WATCHDOG=1` (true) or `WATCHDOG=trigger` (fail now, as if the watchdog ran out). */
  watchdog?: boolean | 'trigger';
  /** `RELOADING=1`: a reload began (send with `monotonicUsec`). */
  reloading?: boolean;
  /** `MONOTONIC_USEC=`: CLOCK_MONOTONIC in µs, paired with RELOADING=1. */
  monotonicUsec?: number;
  /** `MAINPID=`: the main process is another PID. */
  mainpid?: number;
  /** `ERRNO=`: the service failed with this errno. */
  errno?: number;
};

// A STATUS= value on one line: CR/LF and other control bytes become spaces.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/g;

/** Flatten free text to one line for STATUS= (newlines and control bytes become spaces). */
export function sanitizeStatus(text: string): string {
  return text.replace(CONTROL, ' ');
}

// Check an integer option and return it as decimal text.
function integer(name: string, value: number, min: number): string {
  if (!Number.isSafeInteger(value) || value < min) {
    const what = min > 0 ? 'a positive integer' : 'a non-negative integer';
    throw new HooksError('hooks.notify.invalid', `Expected \`${name}\` to be ${what}, got ${String(value)}`, {
      exitCode: ExitCode.usage,
      details: { option: name, value },
    });
  }
  return String(value);
}

/** Build the exact text handed to sd_notify for `fields` (lines joined by `\n`, no trailing newline). */
export function formatNotify(fields: NotifyFields): string {
  const lines: string[] = [];
  if (fields.ready === true) lines.push('READY=1');
  if (fields.reloading === true) lines.push('RELOADING=1');
  if (fields.monotonicUsec !== undefined) lines.push(`MONOTONIC_USEC=${integer('monotonicUsec', fields.monotonicUsec, 0)}`);
  if (fields.stopping === true) lines.push('STOPPING=1');
  if (fields.status !== undefined) lines.push(`STATUS=${sanitizeStatus(fields.status)}`);
  if (fields.extendTimeoutUsec !== undefined)
    lines.push(`EXTEND_TIMEOUT_USEC=${integer('extendTimeoutUsec', fields.extendTimeoutUsec, 0)}`);
  if (fields.watchdog === true) lines.push('WATCHDOG=1');
  if (fields.watchdog === 'trigger') lines.push('WATCHDOG=trigger');
  if (fields.mainpid !== undefined) lines.push(`MAINPID=${integer('mainpid', fields.mainpid, 1)}`);
  if (fields.errno !== undefined) lines.push(`ERRNO=${integer('errno', fields.errno, 0)}`);
  return lines.join('\n');
}
