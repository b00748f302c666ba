/**
 * Spawn a child in its own process group and supervise it: cancel, overall and no-output
 * timeouts escalate SIGTERM → grace → SIGKILL to the group, and an independent wait delay
 * (like Go's `exec.Cmd.WaitDelay`) closes pipes that a grandchild keeps open. Nothing waits forever.
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { systemClock } from '../runtime.js';
import { signalGroup } from './group.js';
import { supervisedEnv, DEFAULT_TAIL_CHARS, DEFAULT_WAIT_DELAY_MS, validateRunOptions, type RunOptions } from './options.js';
import { notStarted, outcomeKind, type Outcome, type OutcomeKind, type Trigger } from './outcome.js';
import { processStartTime } from './proc.js';
import { TextTail } from './tail.js';

/** A running supervised child. */
export interface SupervisedProcess {
  /** The child's PID (and process group id); null when it did not start. */
  readonly pid: number | null;
  /** Resolves once with the outcome; never rejects, never hangs. */
  readonly outcome: Promise<Outcome>;
  /** Begin the escalation; the outcome becomes `cancelled` with this reason. */
  cancel(reason?: string): void;
}

/** The reason recorded for an aborted signal. */
function abortReason(signal: AbortSignal): string {
  return String((signal.reason as unknown) ?? 'aborted');
}

/** Call a user callback; a throwing callback must not crash the supervisor or leave the run hanging. */
function safely<A>(callback: ((arg: A) => void) | undefined, arg: A): void {
  try {
    callback?.(arg);
  } catch {
    // The callback's failure is the caller's; the run goes on.
  }
}

/** A handle for a child that never started. */
function unstarted(kind: OutcomeKind, totalMs: number): SupervisedProcess {
  return { pid: null, outcome: Promise.resolve(notStarted(kind, totalMs)), cancel: () => undefined };
}

/** A promise that settles when a stream has closed, ended or failed. */
function closed(stream: Readable | null): Promise<void> {
  if (stream === null || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', () => resolve());
    stream.once('error', () => resolve());
  });
}

/** Spawn and supervise `options.command`; see {@link RunOptions}. Returns at once with a handle. */
export function spawnSupervised(options: RunOptions): SupervisedProcess {
  const clock = options.clock ?? systemClock;
  const t0 = clock.monotonic();
  const invalid = validateRunOptions(options);
  if (invalid !== null) return unstarted({ type: 'spawn-failed', error: invalid.message }, 0);
  if (options.signal?.aborted === true) return unstarted({ type: 'cancelled', reason: abortReason(options.signal) }, 0);
  const [file = '', ...args] = options.command;
  const { env, extendEnv } = supervisedEnv(options.env);
  let child;
  try {
    child = execa(file, args, {
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env,
      extendEnv,
      detached: true,
      cleanup: false,
      forceKillAfterDelay: false,
      reject: false,
      buffer: false,
      stdin: options.input === undefined ? 'ignore' : 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      ...(options.input === undefined ? {} : { input: options.input }),
    });
  } catch (error) {
    return unstarted({ type: 'spawn-failed', error: String(error) }, clock.monotonic() - t0);
  }
  child.catch(() => undefined);
  const pid = child.pid ?? null;
  if (pid === null) {
    const outcome = new Promise<Outcome>((resolve) => {
      child.once('error', (error) => resolve(notStarted({ type: 'spawn-failed', error: error.message }, clock.monotonic() - t0)));
    });
    return { pid: null, outcome, cancel: () => undefined };
  }
  return supervise(pid, child, options, t0);
}

/** The escalation state machine around a started child. */
function supervise(pid: number, child: ChildProcess, options: RunOptions, t0: number): SupervisedProcess {
  const clock = options.clock ?? systemClock;
  const startTime = processStartTime(pid);
  const tails = {
    stdout: new TextTail(options.tailChars ?? DEFAULT_TAIL_CHARS),
    stderr: new TextTail(options.tailChars ?? DEFAULT_TAIL_CHARS),
  };
  const timers = new Set<NodeJS.Timeout>();
  const at: { trigger?: number; term?: number; kill?: number; exit?: number; wait?: number } = {};
  let trigger: Trigger | null = null;
  let exit: { code: number | null; signal: string | null } | null = null;
  let pipesClosed = false;
  let waitExpired = false;
  let done = false;
  let lastOutput = t0;
  let resolveOutcome: (o: Outcome) => void = () => undefined;
  const outcome = new Promise<Outcome>((resolve) => {
    resolveOutcome = resolve;
  });

  const signalTree = (signal: NodeJS.Signals) => signalGroup(pid, startTime, signal, exit === null);
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const onAbort = (): void => {
    if (options.signal !== undefined) fire({ type: 'cancelled', reason: abortReason(options.signal) });
  };

  /** Resolve the outcome once the child has exited and its pipes closed (or the wait delay expired). */
  const finish = (): void => {
    if (done || !((exit !== null && pipesClosed) || waitExpired)) return;
    done = true;
    for (const t of timers) clearTimeout(t);
    options.signal?.removeEventListener('abort', onAbort);
    const stragglersKilled = signalTree('SIGKILL') === 'sent';
    const end = clock.monotonic();
    const graceEnd = Math.min(at.kill ?? end, at.exit ?? end);
    resolveOutcome({
      ...outcomeKind(trigger, exit?.code ?? null, exit?.signal ?? null),
      forced: at.kill !== undefined,
      pid,
      phases: {
        runMs: (at.trigger ?? at.exit ?? end) - t0,
        graceMs: at.term === undefined ? null : Math.max(0, graceEnd - at.term),
        waitDelayMs: at.wait === undefined ? null : end - at.wait,
        totalMs: end - t0,
      },
      stdoutTail: tails.stdout.toString(),
      stderrTail: tails.stderr.toString(),
      exitCode: exit?.code ?? null,
      exitSignal: exit?.signal ?? null,
      pipesClosedByWaitDelay: waitExpired && !pipesClosed,
      stragglersKilled,
    });
  };

  /** Start the wait delay (once): after it, still-open pipes are closed and the outcome resolves. */
  const startWaitDelay = (): void => {
    if (at.wait !== undefined) return;
    at.wait = clock.monotonic();
    later(options.waitDelayMs ?? DEFAULT_WAIT_DELAY_MS, () => {
      waitExpired = true;
      child.stdout?.destroy();
      child.stderr?.destroy();
      finish();
    });
  };

  /** The grace expired: SIGKILL whatever is left of the group (the child, or members that outlived it). */
  const kill = (): void => {
    if (done) return;
    const now = clock.monotonic();
    if (signalTree('SIGKILL') === 'sent') at.kill = now;
    startWaitDelay();
  };

  /** Begin the escalation for `why` (first trigger wins; nothing to do once the child exited). */
  const fire = (why: Trigger): void => {
    if (trigger !== null || exit !== null || done) return;
    trigger = why;
    at.trigger = at.term = clock.monotonic();
    if (options.graceMs === 0) {
      kill();
      return;
    }
    if (signalTree('SIGTERM') !== 'sent') {
      kill();
      return;
    }
    later(options.graceMs, kill);
  };

  /** Re-arm the no-output check for the remaining quiet time. */
  const watchOutput = (limit: number): void => {
    const quiet = clock.monotonic() - lastOutput;
    if (quiet >= limit) fire({ type: 'no-output-timeout' });
    else
      later(limit - quiet, () => {
        if (trigger === null && exit === null) watchOutput(limit);
      });
  };

  const attach = (stream: Readable | null, tail: TextTail, callback: ((chunk: string) => void) | undefined): void => {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      lastOutput = clock.monotonic();
      tail.push(chunk);
      safely(callback, chunk);
    });
  };
  attach(child.stdout, tails.stdout, options.onStdout);
  attach(child.stderr, tails.stderr, options.onStderr);
  void Promise.all([closed(child.stdout), closed(child.stderr)]).then(() => {
    pipesClosed = true;
    finish();
  });
  child.stdin?.on('error', () => undefined);
  child.once('exit', (code, signal) => {
    exit = { code, signal };
    at.exit = clock.monotonic();
    startWaitDelay();
    finish();
  });

  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.timeoutMs !== undefined) later(options.timeoutMs, () => fire({ type: 'timeout' }));
  if (options.noOutputTimeoutMs !== undefined) watchOutput(options.noOutputTimeoutMs);
  safely(options.onSpawn, pid);
  return { pid, outcome, cancel: (reason = 'cancelled') => fire({ type: 'cancelled', reason }) };
}
