/** Waking this host's dispatcher when any host queues a task for one of its instances. */
import type { JournalLogger } from '../systemd/journal/journal.js';
import type { Dispatcher } from '../tasks/dispatcher.js';
import { offerQueued } from '../tasks/host-loop.js';
import type { TaskStore } from '../tasks/store.js';

// Wake the dispatcher when any host queues a task for one of this host's instances (LISTEN/NOTIFY on
// a shared store), and once more when a lost LISTEN is back. Wake-ups coalesce: one queue read in
// flight, and one more if others came meanwhile.
/** Read this host's queue on every wake-up (and on LISTEN's return); resolves with the unwatch. */
export async function watchOwnQueues(
  store: TaskStore,
  agents: ReadonlySet<string>,
  dispatcher: Dispatcher,
  logger: JournalLogger,
): Promise<() => Promise<void>> {
  let reading = false;
  let again = false;
  const read = (): void => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    offerQueued(store, agents, (row) => dispatcher.submit(row))
      .catch((error: unknown) => logger.warn(`could not read the queue after a wake-up: ${(error as Error).message}`))
      .finally(() => {
        reading = false;
        if (again) {
          again = false;
          read();
        }
      });
  };
  return store.watchQueued(
    (agent) => {
      if (agents.has(agent)) read();
    },
    () => {
      logger.info('task store: LISTEN re-established; re-reading the queue');
      read();
    },
  );
}
