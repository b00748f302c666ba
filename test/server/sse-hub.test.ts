// The SSE hub: ids from the event log, replay after Last-Event-ID with no gap or duplicate,
// keep-alive comments on fake time, the retry hint at close, and the wire format.
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { formatComment, formatRetry, formatSse, parseLastEventId } from '../../src/server/sse-frame.js';
import { createSseHub } from '../../src/server/sse-hub.js';
import { openSqliteStore } from '../../src/tasks/sqlite/store.js';
import { systemClock } from '../../src/runtime.js';
import { createFakeTime } from '../harness/fake-time.js';
import type { StoredEvent } from '../../src/tasks/store.js';

// A response that records what was written to it.
function fakeResponse() {
  const e = new EventEmitter();
  const chunks: string[] = [];
  let ended = false;
  const res = Object.assign(e, {
    write: (chunk: string) => {
      chunks.push(chunk);
      return true;
    },
    end: () => {
      ended = true;
      e.emit('close');
    },
    get writableEnded() {
      return ended;
    },
  }) as unknown as ServerResponse;
  const ids = () => chunks.flatMap((c) => [...c.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])));
  const types = () => chunks.flatMap((c) => [...c.matchAll(/^event: (.+)$/gm)].map((m) => m[1]));
  return { res, chunks, ids, types, ended: () => ended };
}

describe('SSE frames', () => {
  it('formats events with an id, comments and the retry hint; strips CR/LF from names', () => {
    expect(formatSse('task_ended', { type: 'task_ended', id: 'x' }, 7)).toBe(
      'id: 7\nevent: task_ended\ndata: {"type":"task_ended","id":"x"}\n\n',
    );
    expect(formatSse('a\nb', { s: 'line\nbreak' })).toBe('event: ab\ndata: {"s":"line\\nbreak"}\n\n');
    expect(formatComment('keep\nalive')).toBe(': keep alive\n\n');
    expect(formatRetry(1000)).toBe('retry: 1000\n\n');
  });

  it('parses Last-Event-ID strictly', () => {
    expect([
      parseLastEventId('42'),
      parseLastEventId([' 7 ']),
      parseLastEventId(undefined),
      parseLastEventId('-1'),
      parseLastEventId('1e3'),
      parseLastEventId('9'.repeat(20)),
    ]).toEqual([42, 7, null, null, null, null]);
  });
});

describe('createSseHub', () => {
  it('gives every event an increasing id from the log, and a type field', async () => {
    const store = await openSqliteStore(':memory:', systemClock);
    const hub = createSseHub({ log: store });
    const a = fakeResponse();
    hub.add(a.res);
    hub.broadcast('service_shutdown', { drain_ms: 1000 });
    hub.broadcast('task_ended', { id: 't1' });
    await hub.flushed();
    expect(a.types()).toEqual(['service_shutdown', 'task_ended']);
    const [first, second] = a.ids();
    expect(second).toBe((first ?? 0) + 1);
    expect(a.chunks.join('')).toContain('"type":"service_shutdown"');
  });

  it('replays what a reconnecting client missed, then streams live, with no gap and no duplicate', async () => {
    const store = await openSqliteStore(':memory:', systemClock);
    const old = createSseHub({ log: store });
    const client = fakeResponse();
    old.add(client.res);
    old.broadcast('task_started', { id: 't1' });
    await old.flushed();
    const seen = client.ids().at(-1) ?? 0;
    // The old instance goes on after the client lost its stream.
    client.res.end();
    old.broadcast('task_ended', { id: 't1' });
    old.broadcast('service_stopping', {});
    await old.flushed();
    // The next instance shares the store (as it does after a restart).
    const next = createSseHub({ log: store });
    next.broadcast('service_ready', {});
    const back = fakeResponse();
    next.add(back.res, seen);
    next.broadcast('task_queued', { id: 't2' });
    await next.flushed();
    expect(back.types()).toEqual(['task_ended', 'service_stopping', 'service_ready', 'task_queued']);
    const ids = back.ids();
    expect(ids).toEqual(ids.map((_, i) => seen + 1 + i));
  });

  it('logs an event as it is broadcast; a client whose replay already had it does not get it twice', async () => {
    // A log whose reads come after a write that is broadcast later: the replay sees the new event.
    const events: StoredEvent[] = [];
    const calls: string[] = [];
    const log = {
      appendEvent: async (type: string, data: Record<string, unknown>) => {
        calls.push(type);
        const e = { id: events.length + 1, type, data };
        events.push(e);
        return e;
      },
      eventsAfter: async (id: number) => {
        await new Promise((r) => setImmediate(r));
        return events.filter((e) => e.id > id);
      },
    };
    const hub = createSseHub({ log });
    hub.broadcast('task_queued', { id: 't1' });
    const client = fakeResponse();
    hub.add(client.res, 0);
    hub.broadcast('task_started', { id: 't1' });
    // Both appends started at broadcast, before the chain ran a step.
    expect(calls).toEqual(['task_queued', 'task_started']);
    await hub.flushed();
    hub.broadcast('task_ended', { id: 't1' });
    await hub.flushed();
    expect(client.ids()).toEqual([1, 2, 3]);
    expect(client.types()).toEqual(['task_queued', 'task_started', 'task_ended']);
  });

  it('sends a keep-alive comment every 15 s while streams are open, and ends streams with a retry hint', async () => {
    const time = createFakeTime();
    const hub = createSseHub({ timers: time.timers });
    const a = fakeResponse();
    hub.add(a.res);
    await time.advance(15_000);
    await time.advance(15_000);
    expect(a.chunks.filter((c) => c === ': keep-alive\n\n')).toHaveLength(2);
    hub.closeAll(1000);
    expect(a.chunks.at(-1)).toBe('retry: 1000\n\n');
    expect(a.ended()).toBe(true);
    expect(hub.size).toBe(0);
    expect(time.pending()).toBe(0);
  });

  it('once closed, ends a stream added later (or whose replay was still being read) with the retry hint', async () => {
    let release = (): void => undefined;
    const log = {
      appendEvent: async (): Promise<StoredEvent> => ({ id: 1, type: 'x', data: {} }),
      eventsAfter: () => new Promise<StoredEvent[]>((resolve) => (release = () => resolve([]))),
    };
    const hub = createSseHub({ log });
    const replaying = fakeResponse();
    hub.add(replaying.res, 0);
    await new Promise((resolve) => setImmediate(resolve)); // the replay is now reading the log
    hub.closeAll(1000);
    const late = fakeResponse();
    hub.add(late.res);
    expect([late.chunks, late.ended()]).toEqual([['retry: 1000\n\n'], true]);
    release();
    await hub.flushed();
    expect([replaying.chunks, replaying.ended()]).toEqual([['retry: 1000\n\n'], true]);
    expect(hub.size).toBe(0);
  });

  it('still sends an event whose logging failed, without an id, and reports it', async () => {
    const errors: string[] = [];
    const hub = createSseHub({
      log: { appendEvent: () => Promise.reject(new Error('disk full')), eventsAfter: async () => [] },
      onError: (m) => errors.push(m),
    });
    const a = fakeResponse();
    hub.add(a.res);
    hub.broadcast('task_queued', { id: 't' });
    await hub.flushed();
    expect(a.types()).toEqual(['task_queued']);
    expect(a.ids()).toEqual([]);
    expect(errors).toEqual([expect.stringContaining('disk full')]);
  });
});
