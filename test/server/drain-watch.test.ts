// foldDrain: the drain view folded from the event log, as /overview and `hooksctl status` show it.
import { describe, expect, it } from 'vitest';
import { foldDrain } from '../../src/server/drain-watch.js';
import { tokenMatches, bearerMatches } from '../../src/server/auth.js';
import type { StoredEvent } from '../../src/tasks/store.js';

let id = 0;
const ev = (type: string, data: Record<string, unknown> = {}): StoredEvent => ({ id: ++id, type, data: { ...data, type } });

describe('foldDrain', () => {
  const shutdown = ev('service_shutdown', {
    drain_ms: 6000,
    deadline_at: '2030-01-01T00:00:06.000Z',
    busy_workers: [
      { task: 'a', agent: 'dev-1' },
      { task: 'b', agent: 'dev-2' },
    ],
  });

  it('no shutdown event: no drain', () => {
    expect(foldDrain(null, [ev('task_queued', { id: 'x' }), ev('task_started', { id: 'x' })])).toBeNull();
  });

  it('a shutdown starts the view; settles mark the busy workers; stopping is noted', () => {
    const view = foldDrain(null, [
      shutdown,
      ev('task_ended', { id: 'a', status: 'succeeded', reason: null }),
      ev('task_ended', { id: 'b', status: 'cancelled', reason: 'shutdown' }),
      ev('task_ended', { id: 'other', status: 'failed', reason: 'exit-code' }),
      ev('service_stopping', { retry_ms: 1000 }),
    ]);
    expect(view).toEqual({
      event_id: shutdown.id,
      drain_ms: 6000,
      deadline_at: '2030-01-01T00:00:06.000Z',
      busy_workers: [
        { task: 'a', agent: 'dev-1', status: 'succeeded', reason: null },
        { task: 'b', agent: 'dev-2', status: 'cancelled', reason: 'shutdown' },
      ],
      stopping: true,
    });
  });

  it('service_ready clears it, and folding is incremental', () => {
    const first = foldDrain(null, [shutdown]);
    expect(first).not.toBeNull();
    expect(foldDrain(first, [ev('service_ready', { pid: 2 })])).toBeNull();
  });

  it('an old event without deadline_at or busy_workers still gives a view', () => {
    expect(foldDrain(null, [ev('service_shutdown', { drain_ms: 100 })])).toMatchObject({ deadline_at: null, busy_workers: [] });
  });
});

describe('tokenMatches', () => {
  it('matches only the same token, whatever the lengths', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abcd', 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
    expect(bearerMatches('Bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('abc', 'abc')).toBe(false);
  });
});
