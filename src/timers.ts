/**
 * Injectable timers for the keepalive loops (watchdog, extend): tests pass a fake, the real
 * ones are unref'd so a loop never keeps the process alive by itself.
 */

/** A cancellable one-shot timer source. */
export interface Timers {
  /** Run `fn` after `ms`; returns a handle for {@link Timers.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancel a timer made by {@link Timers.setTimeout}. */
  clearTimeout(handle: unknown): void;
}

/** Node's timers, unref'd. */
export const realTimers: Timers = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
