/**
 * Keep a subscription (a LISTEN connection) alive: when it is lost (the database restarted, the
 * connection cut), connect again after a growing delay, and say so once it is back, so that the
 * caller re-reads what it may have missed meanwhile. Failures are reported, never thrown: the
 * subscriber's process goes on, and its slow queue re-read covers the gap.
 */
import type { Timers } from '../timers.js';

/** One live subscription. */
export interface Subscription {
  /** Resolves (never rejects) with the error once the subscription is lost. */
  lost: Promise<Error>;
  /** End it on purpose (no `lost` follows). */
  close(): Promise<void>;
}

/** Reconnect delays: `firstMs`, doubling each failed try, at most `maxMs`. */
export interface Backoff {
  /** The delay before the first try after a loss. */
  firstMs: number;
  /** The longest delay between two tries. */
  maxMs: number;
}

/** The default reconnect delays: 250 ms, doubling, at most 5 s. */
export const RECONNECT_BACKOFF: Backoff = { firstMs: 250, maxMs: 5_000 };

/** Options for {@link keepListening}. */
export interface KeepListeningOptions {
  /** Subscribe; resolves once the subscription is in place. */
  connect(): Promise<Subscription>;
  /** Timers for the reconnect delays (fake in tests). */
  timers: Timers;
  /** Called each time a lost subscription is back, with how many tries it took. */
  onResumed(tries: number): void;
  /** Told about a loss and each failed try. */
  onError(message: string): void;
  /** Reconnect delays; default {@link RECONNECT_BACKOFF}. */
  backoff?: Backoff;
}

/** The delay before reconnect try `n` (0-based). */
export function reconnectDelayMs(n: number, backoff: Backoff = RECONNECT_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(n, 30));
}

/** Subscribe (rejects if the first try fails), then resubscribe after every loss until the returned stop is called. */
export async function keepListening(options: KeepListeningOptions): Promise<() => Promise<void>> {
  const backoff = options.backoff ?? RECONNECT_BACKOFF;
  let current: Subscription | undefined;
  let handle: unknown;
  let stopped = false;

  const watch = (sub: Subscription): void => {
    current = sub;
    void sub.lost.then((error) => {
      if (stopped || current !== sub) return;
      current = undefined;
      options.onError(`LISTEN connection lost: ${error.message}; reconnecting in ${reconnectDelayMs(0, backoff)} ms`);
      retry(0);
    });
  };
  const retry = (n: number): void => {
    handle = options.timers.setTimeout(
      () => {
        options.connect().then(
          (sub) => {
            if (stopped) return void sub.close().catch(() => {});
            watch(sub);
            options.onResumed(n + 1);
          },
          (error: unknown) => {
            if (stopped) return;
            options.onError(
              `could not LISTEN again (try ${n + 1}): ${(error as Error).message}; next try in ${reconnectDelayMs(n + 1, backoff)} ms`,
            );
            retry(n + 1);
          },
        );
      },
      reconnectDelayMs(n, backoff),
    );
  };

  watch(await options.connect());
  return async () => {
    if (stopped) return;
    stopped = true;
    options.timers.clearTimeout(handle);
    await current?.close();
  };
}
