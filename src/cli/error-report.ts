/**
 * How the CLI reports an error that ends a verb: one line on stderr (`hooksctl: <message> [<code>]`),
 * or with `--json` one JSON object on one line, and the exit code it maps to (sysexits, see
 * src/errors.ts). Commander's usage errors are mapped in main.ts; this module knows nothing of
 * commander, so `serve`'s direct start (src/cli/serve-direct.ts) reports its errors the same way.
 */
import { ExitCode, isHooksError, type ErrorCode } from '../errors.js';
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
    report(runtime, json, `hooksctl: ${error.message} [${error.code}]\n`, {
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
