/**
 * The worker exit guard. On SIGTERM or SIGHUP it runs the registered cleanup with a deadline,
 * flushes, and exits with 128 + the signal number (143 for SIGTERM), even when timers, sockets or
 * other handles keep the event loop alive. A deadman thread SIGKILLs the process if even that
 * hangs (a main thread stuck in `while (true) {}`). Opt-in through `HOOKS_WORKER_GUARD=1`, which
 * the supervisor sets, so interactive use keeps Node's normal behaviour.
 */
import { constants } from 'node:os';
import type { Env, SignalSource, TextSink } from '../runtime.js';
import { startDeadmanThread, type Deadman } from './deadman.js';
import { isGuardEnabled } from './opt-in.js';

/** Options for {@link installExitGuard}. */
export interface ExitGuardOptions {
  /** The environment; the guard is a no-op unless it holds `HOOKS_WORKER_GUARD=1`. */
  env: Env;
  /** Where SIGTERM and SIGHUP come from. */
  signals: SignalSource;
  /** Ends the process. */
  exit: (code: number) => void;
  /** The cleanup; its AbortSignal aborts when the deadline passes. */
  cleanup?: (signal: AbortSignal) => Promise<void> | void;
  /** How long the cleanup may take, in ms (default 5000). */
  deadlineMs?: number;
  /** Where the guard logs. */
  stderr: TextSink;
  /** Flush logs, stdout and stderr (e.g. {@link flushStreams}); bounded by `flushTimeoutMs`. */
  flush?: () => Promise<void>;
  /** How long the flush may take, in ms (default 1000). */
  flushTimeoutMs?: number;
  /** When the deadman SIGKILLs the process, in ms after the signal (default: deadline + flush + 1000). */
  deadmanMs?: number;
  /** The deadman; default a {@link startDeadmanThread} for `pid`; `false` for none. */
  deadman?: Deadman | false;
  /** The guarded process's PID, for the default deadman (default: this process). */
  pid?: number;
  /** What keeps the event loop alive (default `process.getActiveResourcesInfo`). */
  activeResources?: () => string[];
}

/** The exit code for a signal: 128 + its number (SIGTERM → 143, SIGHUP → 129). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 15);
}

/** Wait for `work` up to `ms`; resolves `true` when it settled in time (a rejection is passed to `onError`). */
function within(work: () => Promise<void> | void, ms: number, onError: (error: unknown) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settle = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    try {
      Promise.resolve(work()).then(settle, (error: unknown) => {
        onError(error);
        settle();
      });
    } catch (error) {
      onError(error);
      settle();
    }
  });
}

/**
 * Install the exit guard; returns its uninstall function. A no-op (returning a no-op) unless
 * `env` opts in. A second signal during the cleanup exits at once.
 */
export function installExitGuard(opts: ExitGuardOptions): () => void {
  if (!isGuardEnabled(opts.env)) return () => undefined;
  const deadlineMs = opts.deadlineMs ?? 5000;
  const flushTimeoutMs = opts.flushTimeoutMs ?? 1000;
  const resources = opts.activeResources ?? (() => process.getActiveResourcesInfo());
  const deadman = opts.deadman === false ? null : (opts.deadman ?? startDeadmanThread({ pid: opts.pid ?? process.pid }));
  const log = (text: string): void => opts.stderr.write(`exit-guard: ${text}\n`);
  const stillActive = (): string => resources().join(', ') || 'nothing';
  let handling: NodeJS.Signals | null = null;

  /** Log what keeps the process alive, then exit. */
  const forcedExit = (code: number, why: string): void => {
    log(`${why}; forcing exit ${code}; still active: ${stillActive()}`);
    opts.exit(code);
  };

  /** Cleanup with a deadline, flush, exit. */
  const onSignal = async (signal: NodeJS.Signals): Promise<void> => {
    const code = signalExitCode(signal);
    if (handling !== null) {
      forcedExit(code, `second signal ${signal} during cleanup`);
      return;
    }
    handling = signal;
    const deadmanMs = opts.deadmanMs ?? deadlineMs + flushTimeoutMs + 1000;
    deadman?.arm(
      deadmanMs,
      `exit-guard: deadman fired ${deadmanMs} ms after ${signal}; SIGKILL; still active at the signal: ${stillActive()}\n`,
    );
    log(`${signal}: cleaning up (deadline ${deadlineMs} ms)`);
    const controller = new AbortController();
    const onError = (error: unknown): void => log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    const cleaned = await within(() => opts.cleanup?.(controller.signal), deadlineMs, onError);
    if (!cleaned) controller.abort(new Error(`cleanup deadline of ${deadlineMs} ms passed`));
    if (opts.flush !== undefined) await within(opts.flush, flushTimeoutMs, () => undefined);
    if (!cleaned) {
      forcedExit(code, `cleanup did not finish within ${deadlineMs} ms`);
      return;
    }
    opts.exit(code);
  };

  const handler = (signal: NodeJS.Signals): void => {
    void onSignal(signal);
  };
  const offs = (['SIGTERM', 'SIGHUP'] as const).map((s) => opts.signals.on(s, handler));
  return () => {
    for (const off of offs) off();
    deadman?.disarm();
    deadman?.close();
  };
}
