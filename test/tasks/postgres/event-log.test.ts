// The PostgreSQL event log's grouping, over a fake connection that records each statement: calls
// made while an INSERT is in flight go in the next one, ids follow call order, a failed INSERT
// rejects only its own batch, and the log is pruned each time the ids cross a step of 100.
import { describe, expect, it } from 'vitest';
import type { QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { EVENT_BATCH_MAX, postgresEventLog } from '../../../src/tasks/postgres/event-log.js';

// A connection that hands out identity ids in row order, and fails the statements `fail` picks.
function fakeDb(fail: (n: number) => boolean = () => false) {
  const statements: Array<{ sql: string; values: unknown[]; name?: string | undefined }> = [];
  let nextId = 1;
  let inserts = 0;
  const db = {
    query: async <R extends QueryResultRow>(query: string | QueryConfig, params: unknown[] = []): Promise<QueryResult<R>> => {
      const [sql, values] = typeof query === 'string' ? [query, params] : [query.text, query.values ?? []];
      statements.push({ sql, values, name: typeof query === 'string' ? undefined : query.name });
      await new Promise((r) => setImmediate(r));
      if (!sql.startsWith('INSERT')) return { rows: [] as R[] } as QueryResult<R>;
      if (fail(++inserts)) throw new Error('connection lost');
      const rows = (values[0] as string[]).map(() => ({ id: nextId++ }));
      return { rows: rows as unknown as R[] } as QueryResult<R>;
    },
  };
  const batches = () => statements.filter((s) => s.sql.startsWith('INSERT')).map((s) => (s.values[0] as string[]).length);
  return { db, statements, batches };
}

const iso = () => '2030-01-01T00:00:00.000Z';

describe('postgresEventLog', () => {
  it('groups the appends made while one INSERT is in flight into the next, with ids in call order', async () => {
    const { db, batches, statements } = fakeDb();
    const log = postgresEventLog(db, iso);
    const events = await Promise.all(['a', 'b', 'c', 'd'].map((type, n) => log.append(type, { n })));
    expect(batches()).toEqual([1, 3]);
    // A named statement: the server plans it once per connection.
    expect(statements[0]?.name).toBe('hooksctl_append_events');
    expect(events).toEqual([
      { id: 1, type: 'a', data: { n: 0 } },
      { id: 2, type: 'b', data: { n: 1 } },
      { id: 3, type: 'c', data: { n: 2 } },
      { id: 4, type: 'd', data: { n: 3 } },
    ]);
    // Idle again: the next append goes at once, alone.
    expect((await log.append('e', {})).id).toBe(5);
    expect(batches()).toEqual([1, 3, 1]);
  });

  it(`puts at most ${EVENT_BATCH_MAX} events in one INSERT`, async () => {
    const { db, batches } = fakeDb();
    const log = postgresEventLog(db, iso, 1_000_000);
    await Promise.all(Array.from({ length: EVENT_BATCH_MAX + 10 }, (_, n) => log.append('x', { n })));
    expect(batches()).toEqual([1, EVENT_BATCH_MAX, 9]);
  });

  it('rejects only the batch whose INSERT failed; the next batch is logged', async () => {
    const { db } = fakeDb((n) => n === 2);
    const log = postgresEventLog(db, iso);
    const results = await Promise.allSettled(['a', 'b', 'c'].map((type) => log.append(type, {})));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect((await log.append('d', {})).id).toBe(2);
  });

  it('prunes to the newest `keep` events each time the ids cross a multiple of 100', async () => {
    const { db, statements } = fakeDb();
    const log = postgresEventLog(db, iso, 50);
    for (let n = 0; n < 98; n++) await log.append('x', {});
    expect(statements.some((s) => s.sql.startsWith('DELETE'))).toBe(false);
    // Id 99 goes alone, then one batch crosses 100 (ids 100..102).
    await Promise.all([log.append('x', {}), log.append('y', {}), log.append('z', {}), log.append('w', {})]);
    expect(statements.filter((s) => s.sql.startsWith('DELETE')).map((s) => s.values)).toEqual([[52]]);
  });
});
