/**
 * The SSE event log over PostgreSQL, with appends grouped: the calls that arrive while one
 * INSERT is in flight go together in the next, one statement and one commit for all of them.
 * A busy host logs two or three events per task, and one commit each, one after the other,
 * was what held its event stream back. Ids follow the order of the calls.
 */
import type { StoredEvent } from '../store.js';
import { EVENT_LOG_SIZE } from '../sqlite/events.js';
import type { Queryable } from './pool.js';
import { prepared } from './prepared.js';

/** At most this many events go in one INSERT. */
export const EVENT_BATCH_MAX = 500;

interface Pending {
  type: string;
  data: Record<string, unknown>;
  resolve(event: StoredEvent): void;
  reject(error: unknown): void;
}

// Rows in call order: the identity hands out ids in the order the rows are inserted.
const INSERT = prepared(
  'append_events',
  `INSERT INTO events (type, data, at)
   SELECT e.type, e.data, $3 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS e(type, data, n) ORDER BY e.n RETURNING id`,
);

/** The event-log half of the PostgreSQL store; `iso()` is the time recorded on each event. */
export function postgresEventLog(db: Queryable, iso: () => string, keep = EVENT_LOG_SIZE) {
  let pending: Pending[] = [];
  let flushing = false;

  // Insert what waits, batch after batch, until nothing does.
  const flush = async (): Promise<void> => {
    flushing = true;
    while (pending.length > 0) {
      const batch = pending.slice(0, EVENT_BATCH_MAX);
      pending = pending.slice(batch.length);
      try {
        const ids = await insertBatch(batch);
        batch.forEach((p, i) => p.resolve({ id: ids[i] ?? 0, type: p.type, data: p.data }));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    flushing = false;
  };

  const insertBatch = async (batch: Pending[]): Promise<number[]> => {
    const { rows } = await db.query<{ id: number }>(INSERT([batch.map((p) => p.type), batch.map((p) => JSON.stringify(p.data)), iso()]));
    const ids = rows.map((r) => r.id).sort((a, b) => a - b);
    // Prune in steps of 100 ids, so the log stays between keep and keep + 100 rows (+ one batch).
    const last = ids[ids.length - 1] ?? 0;
    const first = ids[0] ?? 0;
    if (Math.floor(last / 100) > Math.floor((first - 1) / 100)) await db.query('DELETE FROM events WHERE id <= $1', [last - keep]);
    return ids;
  };

  return {
    /** Append one event; calls made together are inserted together, their ids in call order. */
    append(type: string, data: Record<string, unknown>): Promise<StoredEvent> {
      return new Promise<StoredEvent>((resolve, reject) => {
        pending.push({ type, data, resolve, reject });
        if (!flushing) void flush();
      });
    },
    /** Logged events after `id`, oldest first, at most `limit`. */
    async after(id: number, limit: number): Promise<StoredEvent[]> {
      const { rows } = await db.query<{ id: number; type: string; data: string }>(
        'SELECT id, type, data FROM events WHERE id > $1 ORDER BY id LIMIT $2',
        [id, limit],
      );
      return rows.map((r) => ({ id: r.id, type: r.type, data: JSON.parse(r.data) as Record<string, unknown> }));
    },
  };
}
