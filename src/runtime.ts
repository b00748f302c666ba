/**
 * The outside world, injected. Library code takes these instead of touching `process`
 * directly; only `src/cli/` and `src/service/` wire the real ones (see {@link realRuntime}).
 */

/** Environment variables, read-only. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A clock: wall time in ms and a monotonic time in ms (for durations and deadlines). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Monotonic milliseconds (CLOCK_MONOTONIC based). */
  monotonic(): number;
}

/** A source of process signals. `on` returns its uninstall function. */
export interface SignalSource {
  /** Subscribe to a signal; returns a function that removes the listener. */
  on(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): () => void;
}

/** Ends the process with a code. */
export type Exit = (code: number) => void;

/** A writable text sink (stdout/stderr). */
export interface TextSink {
  /** Write a chunk of text. */
  write(text: string): void;
  /** True when the sink is a terminal. */
  readonly isTTY?: boolean | undefined;
}

/** Everything a command or the service needs from the outside world. */
export interface Runtime {
  /** The environment. */
  env: Env;
  /** The working directory. */
  cwd: string;
  /** Clocks. */
  clock: Clock;
  /** Signals. */
  signals: SignalSource;
  /** Process exit. */
  exit: Exit;
  /** Standard output. */
  stdout: TextSink;
  /** Standard error. */
  stderr: TextSink;
}

/** The real system clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  // process.hrtime (CLOCK_MONOTONIC), not performance.now(): the first use of `performance` loads
  // Node's perf_hooks modules, ~1.5 ms on the way to READY=1.
  monotonic: () => Number(process.hrtime.bigint()) / 1e6,
};
