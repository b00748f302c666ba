/**
 * LISTEN on one NOTIFY channel over a connection held out of the pool, for the store's cancel
 * requests (`CANCEL_CHANNEL`). A dropped connection is reported and not retried here: the
 * service's periodic read of the cancel marks covers the gap, as the queue poll does for the
 * queued-task channel (./listen.ts).
 */
import type { Notification, Pool } from 'pg';

/** Call `onPayload` with the payload of each notification on `channel`; resolves once LISTEN is in place, with the unsubscribe. */
export async function listenChannel(
  pool: Pool,
  channel: string,
  onPayload: (payload: string) => void,
  onError?: (message: string) => void,
): Promise<() => Promise<void>> {
  const client = await pool.connect();
  const onNotification = (msg: Notification) => {
    if (msg.channel === channel) onPayload(msg.payload ?? '');
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
    onError?.(`task store LISTEN ${channel} connection lost: ${error.message}`);
    release(error);
  });
  try {
    await client.query(`LISTEN ${channel}`);
  } catch (error) {
    release(error as Error);
    throw error;
  }
  return async () => {
    if (released) return;
    await client.query(`UNLISTEN ${channel}`).catch(() => {});
    release();
  };
}
