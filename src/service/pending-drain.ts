/** The drain, waiting for the stop signal that starts it. */
import type { Drain, DrainReport } from '../shutdown/drain.js';
import type { JournalLogger } from '../systemd/journal/journal.js';
import type { Dispatcher } from '../tasks/dispatcher.js';
import type { StopSignals } from './signals.js';

/** A drain waiting for its signal. */
export interface PendingDrain {
  /** Start or escalate the drain. */
  signal(name: string): void;
  /** Resolves with the drain's report (a failed drain still aborts every task). */
  report: Promise<DrainReport>;
}

// The drain's outcome; if the drain itself fails, every task is still aborted, so nothing is orphaned.
/** The drain's report once a signal starts it. */
export function waitForDrain(drain: Drain, dispatcher: Dispatcher, logger: JournalLogger): PendingDrain {
  let signal: (name: string) => void = () => {};
  const report = new Promise<DrainReport>((resolve) => {
    signal = (sig) => {
      drain.signal(sig).then(resolve, async (error: unknown) => {
        logger.error(`drain failed: ${(error as Error).message}; aborting every task`);
        const left = dispatcher.busy().map((b) => b.id);
        await dispatcher.abortAll('shutdown').catch(() => undefined);
        resolve({ signal: sig, settled: 0, aborted: left, drainMs: 0, totalMs: 0, failed: true });
      });
    };
  });
  return { signal: (name) => signal(name), report };
}

// From now on, stop signals (and any that came during start-up) go to the drain.
/** Route stop signals to the drain. */
export function routeStop(stop: StopSignals, pending: PendingDrain): void {
  stop.route((sig) => pending.signal(sig));
}
