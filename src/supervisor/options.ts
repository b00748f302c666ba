/** The options of a supervised run, and their validation (messages name the option). */
import { HooksError, ExitCode } from '../errors.js';
import type { Clock } from '../runtime.js';
import { WORKER_GUARD_ENV } from '../worker/opt-in.js';

/** Default wait delay after SIGKILL (or the child's exit) before the pipes are closed, in ms. */
export const DEFAULT_WAIT_DELAY_MS = 2000;

/** Default size of the stdout/stderr tails kept in the outcome, in characters. */
export const DEFAULT_TAIL_CHARS = 8192;

/** How to run one supervised child. */
export interface RunOptions {
  /** The program and its arguments; `command[0]` is looked up in PATH. */
  command: readonly string[];
  /** The working directory. */
  cwd?: string;
  /**
   * The child's whole environment (nothing else is inherited). When omitted the child inherits
   * the parent's environment. Either way `HOOKS_WORKER_GUARD=1` is added unless given here.
   */
  env?: Record<string, string | undefined>;
  /** The task payload, written to stdin (stdin is /dev/null when omitted). */
  input?: string;
  /** Abort → escalation; the outcome is `cancelled` with `reason = String(signal.reason ?? 'aborted')`. */
  signal?: AbortSignal;
  /** Overall time limit in ms (outcome `timeout`). */
  timeoutMs?: number;
  /** Limit on the time without any stdout/stderr output, in ms (outcome `no-output-timeout`). */
  noOutputTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL to the process group, in ms (`abort_grace_ms`). */
  graceMs: number;
  /** Time after SIGKILL (or the child's exit) before still-open pipes are closed, in ms. */
  waitDelayMs?: number;
  /** Characters of stdout/stderr kept in the outcome's tails (default 8192 each). */
  tailChars?: number;
  /** Called with each stdout chunk (UTF-8). */
  onStdout?: (chunk: string) => void;
  /** Called with each stderr chunk (UTF-8). */
  onStderr?: (chunk: string) => void;
  /** Called once the child has a PID. */
  onSpawn?: (pid: number) => void;
  /** The clock used to measure the phases (default: the system clock). */
  clock?: Clock;
}

/** Check one optional millisecond option; returns the complaint or null. */
function checkMs(name: string, value: unknown, required: boolean): string | null {
  if (value === undefined && !required) return null;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 2 ** 31 - 1) return null;
  return `Expected \`${name}\` to be a non-negative number of milliseconds below 2^31, got ${String(value)}`;
}

/** Validate run options; returns a typed error (`hooks.supervisor.invalid-option`) or null. */
export function validateRunOptions(options: RunOptions): HooksError | null {
  const command: unknown = options.command;
  const problems = [
    Array.isArray(command) && command.length > 0 && command.every((a) => typeof a === 'string') && command[0] !== ''
      ? null
      : 'Expected `command` to be a non-empty array of strings with a program first',
    checkMs('graceMs', options.graceMs, true),
    checkMs('timeoutMs', options.timeoutMs, false),
    checkMs('noOutputTimeoutMs', options.noOutputTimeoutMs, false),
    checkMs('waitDelayMs', options.waitDelayMs, false),
    checkMs('tailChars', options.tailChars, false),
  ].filter((p): p is string => p !== null);
  if (problems.length === 0) return null;
  return new HooksError('hooks.supervisor.invalid-option', problems.join('; '), { exitCode: ExitCode.usage, details: { problems } });
}

/** The child's environment: the given env (or the parent's, when omitted) plus the worker-guard opt-in. */
export function supervisedEnv(env: RunOptions['env']): { env: Record<string, string | undefined>; extendEnv: boolean } {
  if (env === undefined) return { env: { [WORKER_GUARD_ENV]: '1' }, extendEnv: true };
  return { env: { [WORKER_GUARD_ENV]: '1', ...env }, extendEnv: false };
}
