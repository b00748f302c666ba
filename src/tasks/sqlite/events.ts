/** The SSE event log over SQLite: append with an ever-increasing id, read after an id, keep the newest. */
import type { StoredEvent } from '../store.js';
import type { Database } from './db.js';

/** How many events the log keeps; older ones are pruned. */
export const EVENT_LOG_SIZE = 10_000;

/** The event-log half of the SQLite store. */
export function sqliteEvents(db: Database, keep = EVENT_LOG_SIZE) {
  const insert = db.prepare('INSERT INTO events (type, data, at) VALUES (?, ?, ?)');
  const after = db.prepare('SELECT id, type, data FROM events WHERE id > ? ORDER BY id LIMIT ?');
  const prune = db.prepare('DELETE FROM events WHERE id <= ?');
  return {
    append(type: string, data: Record<string, unknown>, at: string): StoredEvent {
      const id = Number(insert.run(type, JSON.stringify(data), at).lastInsertRowid);
      // Prune in batches, so the log stays between keep and keep + 100 rows.
      if (id % 100 === 0) prune.run(id - keep);
      return { id, type, data };
    },
    after(id: number, limit: number): StoredEvent[] {
      return (after.all(id, limit) as { id: number; type: string; data: string }[]).map((r) => ({
        id: r.id,
        type: r.type,
        data: JSON.parse(r.data) as Record<string, unknown>,
      }));
    },
  };
}
