/**
 * LISTEN on the queued-task channel over one connection held out of the pool: every host hears
 * each task queued anywhere, at commit, with its agent's name. A dropped connection is reported
 * and not retried here; the service's slow poll of the queue covers the gap.
 */
import type { Notification, Pool } from 'pg';
import { QUEUED_CHANNEL } from './migrations.js';

/** Subscribe `onQueued` to queued tasks; resolves once LISTEN is in place, with the unsubscribe. */
export async function listenQueued(
  pool: Pool,
  onQueued: (agent: string) => void,
  onError?: (message: string) => void,
): Promise<() => Promise<void>> {
  const client = await pool.connect();
  const onNotification = (msg: Notification) => {
    if (msg.channel === QUEUED_CHANNEL && msg.payload !== undefined) onQueued(msg.payload);
  };
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    client.off('notification', onNotification);
    client.release(error ?? false);
  };
  client.on('notification', onNotification);
  client.once('error', (error) => {
    onError?.(`task store LISTEN connection lost: ${error.message}`);
    release(error);
  });
  try {
    await client.query(`LISTEN ${QUEUED_CHANNEL}`);
  } catch (error) {
    release(error as Error);
    throw error;
  }
  return async () => {
    if (released) return;
    await client.query(`UNLISTEN ${QUEUED_CHANNEL}`).catch(() => {});
    release();
  };
}
