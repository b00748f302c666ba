/**
 * Injectable timers for the keepalive loops (watchdog, extend): tests pass a fake, the real
 * ones are unref'd so a loop never keeps the process alive by itself.
 */

/** A cancellable one-shot timer source. */
export interface Timers {
  /**
   * Run `fn` after `ms`; returns a handle for {@link Timers.clearTimeout}. With `keepAlive`, the
   * real timer holds the process open: for a wait the exit itself depends on (the hand-over).
   */
  setTimeout(fn: () => void, ms: number, keepAlive?: boolean): unknown;
  /** Cancel a timer made by {@link Timers.setTimeout}. */
  clearTimeout(handle: unknown): void;
}

/** Node's timers, unref'd unless asked to keep the process alive. */
export const realTimers: Timers = {
  setTimeout(fn, ms, keepAlive = false) {
    const t = setTimeout(fn, ms);
    if (!keepAlive) t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
