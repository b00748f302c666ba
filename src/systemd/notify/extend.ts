/**
 * Extend-timeout helper for the drain. systemd SIGKILLs at the stop deadline T unless
 * EXTEND_TIMEOUT_USEC arrives before it; each message moves the deadline to "now + slice".
 * This sends slices while `progress()` says the drain moves, the first one at once (well
 * before T), and never a slice that ends past the hard cap. STATUS= carries a countdown.
 * See sd_notify(3), EXTEND_TIMEOUT_USEC=, and systemd.service(5), TimeoutStopSec=.
 */
import { ExitCode, HooksError } from '../../errors.js';
import type { Clock } from '../../runtime.js';
import type { Notifier } from './notify.js';
import { realTimers, type Timers } from '../../timers.js';

/** Options for {@link startExtender}. Times are ms; the stop began when this is called. */
export interface ExtenderOptions {
  /** Where EXTEND_TIMEOUT_USEC and STATUS go. */
  notifier: Notifier;
  /** Monotonic clock. */
  clock: Clock;
  /** T: the unit's TimeoutStopSec, in ms (finite, > 0). */
  timeoutStopMs: number;
  /** The hard cap on the whole stop, from now, in ms (≥ timeoutStopMs). */
  capMs: number;
  /** Length of each extension (the drain plan's `sliceMs`). */
  sliceMs: number;
  /** True while the drain makes progress; only then is a slice sent. */
  progress: () => boolean;
  /** A human countdown for STATUS=, given the ms the stop can still last at most (to the cap while it makes progress, else to the kill deadline). */
  describe: (remainingMs: number) => string;
  /** Stops the extender when aborted. */
  signal?: AbortSignal;
  /** Timer source (tests inject a fake). */
  timers?: Timers;
}

/** A running extender. */
export interface ExtenderHandle {
  /** Stop sending. Idempotent. */
  stop(): void;
  /** The current kill deadline on the monotonic clock (ms): max(start + T, last slice end). */
  extendedUntilMs(): number;
}

// Throw a config error naming the option unless `value` is finite and > min.
function positive(name: string, value: number, min = 0): void {
  if (!Number.isFinite(value) || value <= min) {
    throw new HooksError(
      'hooks.extend.invalid',
      `Expected \`${name}\` to be a finite number of ms greater than ${min}, got ${String(value)}`,
      { exitCode: ExitCode.config, details: { option: name, value } },
    );
  }
}

// The STATUS text; a throwing `describe` falls back to a plain countdown (a timer must not throw).
function countdown(describe: (remainingMs: number) => string, remainingMs: number): string {
  try {
    return describe(remainingMs);
  } catch {
    return `stopping, ${Math.ceil(remainingMs / 1000)} s left`;
  }
}

/** Start sending extension slices; the first check runs at once. */
export function startExtender(opts: ExtenderOptions): ExtenderHandle {
  positive('timeoutStopMs', opts.timeoutStopMs);
  positive('capMs', opts.capMs, opts.timeoutStopMs - 1);
  const { sliceMs } = opts;
  positive('sliceMs', sliceMs);
  const timers = opts.timers ?? realTimers;
  const start = opts.clock.monotonic();
  const capAt = start + opts.capMs;
  // Check three times per window, so a slice is renewed well before it ends.
  const tickMs = Math.max(50, Math.min(sliceMs, opts.timeoutStopMs) / 3);
  let deadline = start + opts.timeoutStopMs;
  let stopped = false;
  let timer: unknown;
  const tick = (): void => {
    if (stopped) return;
    const now = opts.clock.monotonic();
    const sliceUsec = Math.floor(Math.min(sliceMs, capAt - now) * 1000);
    let moving = false;
    try {
      moving = opts.progress();
    } catch {
      moving = false;
    }
    if (moving && sliceUsec > 0 && now < deadline) {
      deadline = Math.max(deadline, now + sliceUsec / 1000);
      opts.notifier.extendTimeout(sliceUsec, countdown(opts.describe, capAt - now));
    } else {
      opts.notifier.status(countdown(opts.describe, Math.max(0, deadline - now)));
    }
    if (now + tickMs < Math.min(deadline, capAt)) timer = timers.setTimeout(tick, tickMs);
  };
  const stop = (): void => {
    stopped = true;
    if (timer !== undefined) timers.clearTimeout(timer);
    opts.signal?.removeEventListener('abort', stop);
  };
  if (opts.signal?.aborted === true) stopped = true;
  else {
    opts.signal?.addEventListener('abort', stop, { once: true });
    tick();
  }
  return { stop, extendedUntilMs: () => deadline };
}
