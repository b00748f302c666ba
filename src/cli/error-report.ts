/**
 * How the CLI reports an error that ends a verb: one line on stderr (`hooksctl: <message> [<code>]`),
 * or with `--json` one JSON object on one line, and the exit code it maps to (sysexits, see
 * src/errors.ts). Commander's usage errors are mapped in main.ts; this module knows nothing of
 * commander, so `serve`'s direct start (src/cli/serve-direct.ts) reports its errors the same way.
 */
import { ExitCode, isHooksError, type ErrorCode } from '../errors.js';
import { escapeControl } from '../escape.js';
import type { Runtime } from '../runtime.js';

/** The `--json` error object: a stable code, the message, and details for scripts. */
export interface JsonError {
  /** A stable error code (`hooks.config.invalid`, ...). */
  code: ErrorCode;
  /** The message, as the text line says it. */
  message: string;
  /** Details for scripts. */
  details?: Record<string, unknown> | undefined;
}

/** Write one error to stderr: its text line, or with `json` its JSON object on one line. */
export function report(runtime: Pick<Runtime, 'stderr'>, json: boolean, text: string, body: JsonError): void {
  runtime.stderr.write(json ? `${JSON.stringify({ error: body })}\n` : text);
}

/** Report a HooksError (its exit code) or anything else (an internal error, exit 70, with its stack). */
export function reportError(error: unknown, runtime: Pick<Runtime, 'stderr'>, json: boolean): number {
  if (isHooksError(error)) {
    // A message may quote input (a config value, a unit line): its control characters are escaped, line by line,
    // so ESC or CR from a file never reaches the terminal; the newlines between a config's issues stay.
    const text = error.message.split('\n').map(escapeControl).join('\n');
    report(runtime, json, `hooksctl: ${text} [${error.code}]\n`, {
      code: error.code,
      message: error.message,
      details: error.details,
    });
    return error.exitCode;
  }
  const stack = (error as Error)?.stack ?? String(error);
  report(runtime, json, `hooksctl: internal error: ${stack}\n`, { code: 'hooks.internal', message: 'internal error', details: { stack } });
  return ExitCode.internal;
}
