/**
 * LISTEN on the queued-task channel over one connection held out of the pool: every host hears
 * each task queued anywhere, at commit, with its agent's name. A lost connection (the server
 * restarted, the backend terminated, the network cut) is taken again with backoff
 * (../keep-listening.ts), and `onResumed` tells the caller to re-read what it may have missed.
 */
import type { Notification, Pool } from 'pg';
import type { Timers } from '../../timers.js';
import { keepListening, type Subscription } from '../keep-listening.js';
import { QUEUED_CHANNEL } from './migrations.js';

/** What {@link listenQueued} reports to. */
export interface ListenHandlers {
  /** A task was queued for `agent`. */
  onQueued(agent: string): void;
  /** LISTEN is back after a loss: wake-ups may have been missed. */
  onResumed?(): void;
  /** Told about a lost connection and each failed try to take it again. */
  onError?(message: string): void;
}

/** Subscribe to queued tasks, and keep subscribed; resolves once LISTEN is in place, with the unsubscribe. */
export function listenQueued(pool: Pool, timers: Timers, handlers: ListenHandlers): Promise<() => Promise<void>> {
  return keepListening({
    connect: () => listenOnce(pool, handlers.onQueued),
    timers,
    onResumed: () => handlers.onResumed?.(),
    onError: (message) => handlers.onError?.(`task store: ${message}`),
  });
}

// One LISTEN connection; its `lost` resolves on the client's first error or end.
async function listenOnce(pool: Pool, onQueued: (agent: string) => void): Promise<Subscription> {
  const client = await pool.connect();
  let released = false;
  let markLost: (error: Error) => void = () => {};
  const lost = new Promise<Error>((resolve) => (markLost = resolve));
  const onNotification = (msg: Notification) => {
    if (msg.channel === QUEUED_CHANNEL && msg.payload !== undefined) onQueued(msg.payload);
  };
  // The connection is this subscription's alone: it is destroyed, never given back to the pool.
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    client.off('notification', onNotification);
    client.release(error ?? true);
  };
  client.on('notification', onNotification);
  // Kept attached for the client's life: an 'error' with no listener would crash the process.
  client.on('error', (error: Error) => {
    release(error);
    markLost(error);
  });
  client.once('end', () => {
    const error = new Error('connection ended');
    release(error);
    markLost(error);
  });
  try {
    await client.query(`LISTEN ${QUEUED_CHANNEL}`);
  } catch (error) {
    release(error as Error);
    throw error;
  }
  return {
    lost,
    close: async () => release(),
  };
}
