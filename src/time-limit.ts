/**
 * A wait with a time limit on injected {@link Timers}: a promise's value, or a stand-in once the
 * limit has passed (a store ping that never answers, connections that do not close). The timer is
 * cleared as soon as the promise settles, so nothing is left pending.
 */
import type { Timers } from './timers.js';

/** `work`'s value, or `late` when it has not settled within `ms` on `timers`; a rejection of `work` in time rejects. */
export function withinMs<T, L>(timers: Timers, ms: number, work: Promise<T>, late: L): Promise<T | L> {
  return new Promise<T | L>((resolve, reject) => {
    const timer = timers.setTimeout(() => resolve(late), ms);
    work.then(
      (value) => {
        timers.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        timers.clearTimeout(timer);
        reject(error);
      },
    );
  });
}
