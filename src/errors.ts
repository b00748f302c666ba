/**
 * The one error family of hooksctl. Codes are stable (`hooks.<area>.<what>`); tests and
 * scripts match on `code` and `exitCode`, never on message text.
 */

/** sysexits-style exit codes used by the CLI (see ARCHITECTURE.md). */
export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  unavailable: 69,
  internal: 70,
  config: 78,
} as const;

/** One of the exit codes in {@link ExitCode}. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Options for {@link HooksError}. */
export interface HooksErrorOptions {
  /** The process exit code the CLI should use; defaults to 70 (internal). */
  exitCode?: ExitCodeValue;
  /** The underlying error, if any. */
  cause?: unknown;
  /** Structured details for `--json` output (a JSON path, a line number, ...). */
  details?: Record<string, unknown>;
}

/** A typed hooksctl error with a stable `code` and the exit code the CLI maps it to. */
export class HooksError extends Error {
  /** Stable machine-readable code, `hooks.<area>.<what>`. */
  readonly code: string;
  /** The exit code the CLI uses for this error. */
  readonly exitCode: ExitCodeValue;
  /** Structured details, safe to print as JSON. */
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: HooksErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HooksError';
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.internal;
    this.details = options.details ?? {};
  }
}

/** True when `value` is a {@link HooksError} (also across module copies). */
export function isHooksError(value: unknown): value is HooksError {
  return value instanceof HooksError || (typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'HooksError' && typeof (value as { code?: unknown }).code === 'string');
}
