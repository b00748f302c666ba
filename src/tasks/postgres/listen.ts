/**
 * LISTEN on one NOTIFY channel over a connection held out of the pool: the queued-task channel
 * (every host hears each task queued anywhere, at commit, with its agent's name) and the cancel
 * channel (the host that runs a task hears a cancel asked elsewhere). A lost connection (the
 * server restarted, the backend terminated, the network cut) is taken again with backoff
 * (../keep-listening.ts), and `onResumed` tells the caller to re-read what it may have missed.
 */
import type { Notification, Pool } from 'pg';
import type { Timers } from '../../timers.js';
import { keepListening, type Subscription } from '../keep-listening.js';

/** What {@link listenChannel} reports to. */
export interface ListenHandlers {
  /** A notification arrived, with its payload ('' when it has none). */
  onPayload(payload: string): void;
  /** LISTEN is back after a loss: wake-ups may have been missed. */
  onResumed?(): void;
  /** Told about a lost connection and each failed try to take it again. */
  onError?(message: string): void;
}

/** Subscribe to `channel`, and keep subscribed; resolves once LISTEN is in place, with the unsubscribe. */
export function listenChannel(pool: Pool, timers: Timers, channel: string, handlers: ListenHandlers): Promise<() => Promise<void>> {
  return keepListening({
    connect: () => listenOnce(pool, channel, handlers.onPayload),
    timers,
    onResumed: () => handlers.onResumed?.(),
    onError: (message) => handlers.onError?.(`task store: ${message}`),
  });
}

// One LISTEN connection; its `lost` resolves on the client's first error or end.
async function listenOnce(pool: Pool, channel: string, onPayload: (payload: string) => void): Promise<Subscription> {
  const client = await pool.connect();
  let released = false;
  let markLost: (error: Error) => void = () => {};
  const lost = new Promise<Error>((resolve) => (markLost = resolve));
  const onNotification = (msg: Notification) => {
    if (msg.channel === channel) onPayload(msg.payload ?? '');
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
    await client.query(`LISTEN ${channel}`);
  } catch (error) {
    release(error as Error);
    throw error;
  }
  return {
    lost,
    close: async () => release(),
  };
}
