// Dispatcher logic with a fake runner (pure queueing; real processes are in integration tests).
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/tasks/db.js';
import { createTaskStore } from '../../src/tasks/store.js';
import { createDispatcher, type DispatchEvent, type TaskRunner } from '../../src/tasks/dispatcher.js';
import { systemClock } from '../../src/runtime.js';

function deferredRunner() {
  const pending = new Map<string, (ok: boolean) => void>();
  const runner: TaskRunner = (task, ctx) => new Promise((resolve) => {
    pending.set(task.id, (ok) => resolve({ status: ok ? 'succeeded' : 'failed', reason: null, exitCode: ok ? 0 : 1 }));
    ctx.signal.addEventListener('abort', () => resolve({ status: 'cancelled', reason: String(ctx.signal.reason), exitCode: null }));
  });
  return { runner, pending };
}

async function setup() {
  const db = await openDatabase(':memory:');
  const store = createTaskStore(db, systemClock);
  const { runner, pending } = deferredRunner();
  const events: DispatchEvent[] = [];
  const d = createDispatcher({ store, agents: ['a', 'b'], runner, clock: systemClock, onEvent: (e) => events.push(e) });
  return { store, d, pending, events };
}

describe('dispatcher', () => {
  it('runs one task at a time per agent, in order, and agents in parallel', async () => {
    const { store, d, pending } = await setup();
    const a1 = store.enqueue({ agent: 'a', payload: 1 }).row;
    const a2 = store.enqueue({ agent: 'a', payload: 2 }).row;
    const b1 = store.enqueue({ agent: 'b', payload: 3 }).row;
    [a1, a2, b1].forEach((r) => d.submit(r));
    expect(d.busy().map((t) => t.id).sort()).toEqual([a1.id, b1.id].sort());
    expect(d.queued()).toBe(1);
    pending.get(a1.id)?.(true);
    await new Promise((r) => setImmediate(r));
    expect(store.get(a1.id)?.status).toBe('succeeded');
    expect(d.busy().map((t) => t.id).sort()).toEqual([a2.id, b1.id].sort());
  });

  it('whenIdle resolves as soon as the last task ends', async () => {
    const { store, d, pending } = await setup();
    const r = store.enqueue({ agent: 'a', payload: 1 }).row;
    d.submit(r);
    let idle = false;
    void d.whenIdle().then(() => { idle = true; });
    await new Promise((res) => setImmediate(res));
    expect(idle).toBe(false);
    pending.get(r.id)?.(true);
    await new Promise((res) => setImmediate(res));
    expect(idle).toBe(true);
  });

  it('hold keeps queued tasks queued; abortAll cancels running ones with the reason', async () => {
    const { store, d } = await setup();
    const r1 = store.enqueue({ agent: 'a', payload: 1 }).row;
    const r2 = store.enqueue({ agent: 'a', payload: 2 }).row;
    d.submit(r1); d.submit(r2);
    d.hold();
    await d.abortAll('shutdown');
    expect(store.get(r1.id)).toMatchObject({ status: 'cancelled', reason: 'shutdown' });
    expect(store.get(r2.id)?.status).toBe('queued');
    expect(d.busy()).toEqual([]);
  });

  it('cancel ends a queued task and aborts a running one', async () => {
    const { store, d, events } = await setup();
    const r1 = store.enqueue({ agent: 'a', payload: 1 }).row;
    const r2 = store.enqueue({ agent: 'a', payload: 2 }).row;
    d.submit(r1); d.submit(r2);
    expect(d.cancel(r2.id, 'user')).toBe('cancelled');
    expect(d.cancel(r1.id, 'user')).toBe('aborting');
    await d.whenIdle();
    expect(store.get(r1.id)).toMatchObject({ status: 'cancelled', reason: 'user' });
    expect(d.cancel(r1.id, 'user')).toBe('already-ended');
    expect(d.cancel('00000000-0000-0000-0000-000000000000', 'user')).toBe('not-found');
    expect(events.filter((e) => e.type === 'task_ended')).toHaveLength(2);
  });

  it('a task for an unknown agent fails instead of waiting forever', async () => {
    const { store, d } = await setup();
    const r = store.enqueue({ agent: 'zzz', payload: 1 }).row;
    d.submit(r);
    expect(store.get(r.id)).toMatchObject({ status: 'failed', reason: 'unknown-agent' });
  });

  it('survives a store that fails to record a task end: the task leaves the busy set and the next one starts', async () => {
    const db = await openDatabase(':memory:');
    const real = createTaskStore(db, systemClock);
    let failNext = true;
    const store = { ...real, finish: (id: string, end: Parameters<typeof real.finish>[1]) => { if (failNext) { failNext = false; throw new Error('database is locked'); } return real.finish(id, end); } };
    const errors: string[] = [];
    const runner: TaskRunner = async () => ({ status: 'succeeded', reason: null, exitCode: 0 });
    const d = createDispatcher({ store, agents: ['a'], runner, clock: systemClock, onEvent: () => {}, onError: (m) => errors.push(m) });
    const r1 = store.enqueue({ agent: 'a', payload: 1 }).row;
    const r2 = store.enqueue({ agent: 'a', payload: 2 }).row;
    d.submit(r1); d.submit(r2);
    await d.whenIdle();
    await new Promise((res) => setImmediate(res));
    await d.whenIdle();
    expect(errors).toEqual([expect.stringContaining('database is locked')]);
    expect(d.busy()).toEqual([]);
    expect(store.get(r2.id)?.status).toBe('succeeded');
  });
});
