/**
 * The one error family of hooksctl. Codes are stable (`hooks.<area>.<what>`); tests and
 * scripts match on `code` and `exitCode`, never on message text.
 */

/** sysexits-style exit codes used by the CLI (sysexits.h; see docs/architecture.md). */
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

/** Every error code hooksctl throws, `hooks.<area>.<what>`: one list, so a misspelt code fails `tsc`. */
export const ERROR_CODES = [
  'hooks.client.bad_id',
  'hooks.client.bad_option',
  'hooks.client.bad_response',
  'hooks.client.conflict',
  'hooks.client.not_found',
  'hooks.client.unauthorized',
  'hooks.client.unavailable',
  'hooks.cli.usage',
  'hooks.internal',
  'hooks.config.invalid',
  'hooks.config.syntax',
  'hooks.config.unreadable',
  'hooks.containers.bad_output',
  'hooks.containers.bad_task_id',
  'hooks.containers.engine_failed',
  'hooks.containers.engine_unavailable',
  'hooks.containers.unavailable',
  'hooks.extend.invalid',
  'hooks.journal.field_name',
  'hooks.journal.no_files',
  'hooks.journal.read',
  'hooks.journal.send',
  'hooks.journal.unavailable',
  'hooks.journal.unreadable',
  'hooks.notify.invalid',
  'hooks.serve.listen',
  'hooks.serve.listen_fds',
  'hooks.store.bad_page',
  'hooks.store.open',
  'hooks.store.too_new',
  'hooks.supervisor.invalid-option',
  'hooks.timespan.invalid',
  'hooks.unit.data_dir',
  'hooks.unit.no_home',
  'hooks.unit.systemctl_failed',
  'hooks.unit.unreadable',
  'hooks.unit.unsafe_value',
  'hooks.unit.write_failed',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

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
  readonly code: ErrorCode;
  /** The exit code the CLI uses for this error. */
  readonly exitCode: ExitCodeValue;
  /** Structured details, safe to print as JSON. */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: HooksErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HooksError';
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.internal;
    this.details = options.details ?? {};
  }
}

/** True when `value` is a {@link HooksError} (also across module copies), optionally with the given code. */
export function isHooksError(value: unknown, code?: ErrorCode): value is HooksError {
  const family =
    value instanceof HooksError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === 'HooksError' &&
      typeof (value as { code?: unknown }).code === 'string');
  return family && (code === undefined || (value as HooksError).code === code);
}
