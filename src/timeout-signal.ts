/**
 * `AbortSignal.timeout` over injected {@link Timers}, so code with a time-boxed step (a cleanup
 * guard, a bounded wait) can be driven by fake time in tests.
 */
import type { Timers } from './timers.js';

/**
 * An AbortSignal that aborts after `ms` on `timers`, with the same reason as
 * `AbortSignal.timeout(ms)`: a `DOMException` named `TimeoutError`. Like the global, the timer
 * cannot be cancelled; with `realTimers` it is unref'd and never keeps the process alive.
 */
export function timeoutSignal(timers: Timers, ms: number): AbortSignal {
  const controller = new AbortController();
  timers.setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
  return controller.signal;
}
