/**
 * The host side of a cancel asked on another host: the store marks the running row and tells
 * its host (`TaskStore.watchCancels`, LISTEN/NOTIFY on PostgreSQL); this host then reads its
 * marked rows and aborts those runs with the recorded reason, so they end `cancelled` as a local
 * cancel would. A read every `everyMs` is the safety net behind a dropped LISTEN connection.
 */
import type { Timers } from '../timers.js';
import type { TaskStore } from './store.js';

/** Options for {@link watchCancels}. */
export interface CancelWatchOptions {
  /** The shared store. */
  store: TaskStore;
  /** Abort the run of `id` here with `reason`; false if it does not run here (the dispatcher's `abortRun`). */
  abortRun(id: string, reason: string): boolean;
  /** Timers of the safety-net read. */
  timers: Timers;
  /** How often the marks are read without a wake-up. */
  everyMs: number;
  /** Told about each run aborted on a cancel mark. */
  onAborted?: (id: string, reason: string) => void;
  /** Told about a failed read (the database away); the watch goes on. */
  onError?: (message: string) => void;
}

/** One run aborted on its cancel mark. */
export interface MarkedAbort {
  /** The task id. */
  id: string;
  /** The mark's reason, now the abort reason. */
  reason: string;
}

/** Abort every run here that has a cancel mark; returns those aborted. */
export async function abortMarked(store: TaskStore, abortRun: (id: string, reason: string) => boolean): Promise<MarkedAbort[]> {
  const aborted: MarkedAbort[] = [];
  for (const row of await store.cancelRequests()) {
    const reason = row.cancel_requested ?? 'user';
    if (abortRun(row.id, reason)) aborted.push({ id: row.id, reason });
  }
  return aborted;
}

/** Start watching; resolves once subscribed, with the stop function (idempotent). Reads coalesce: one in flight, one more if woken meanwhile. */
export async function watchCancels(options: CancelWatchOptions): Promise<() => Promise<void>> {
  const { store, timers } = options;
  // A run stays marked until it ends: report it once, however often its mark is read.
  let reported = new Set<string>();
  let reading = false;
  let again = false;
  let stopped = false;
  let handle: unknown;
  const read = (): void => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    abortMarked(store, options.abortRun)
      .then((aborted) => {
        for (const a of aborted) if (!reported.has(a.id)) options.onAborted?.(a.id, a.reason);
        reported = new Set(aborted.map((a) => a.id));
      })
      .catch((error: unknown) => options.onError?.(`could not read the cancel requests: ${(error as Error).message}`))
      .finally(() => {
        reading = false;
        if (again && !stopped) {
          again = false;
          read();
        }
      });
  };
  const schedule = () => {
    handle = timers.setTimeout(() => {
      read();
      if (!stopped) schedule();
    }, options.everyMs);
  };
  const unsubscribe = await store.watchCancels(read);
  schedule();
  read(); // a mark set while this host was starting
  return async () => {
    if (stopped) return;
    stopped = true;
    timers.clearTimeout(handle);
    await unsubscribe();
  };
}
