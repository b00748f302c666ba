// Dispatcher logic with a fake runner over the real SQLite store (pure queueing; real processes are in integration tests).
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/tasks/sqlite/store.js';
import { createDispatcher, type DispatchEvent, type TaskRunner } from '../../src/tasks/dispatcher.js';
import type { TaskStore } from '../../src/tasks/store.js';
import { systemClock } from '../../src/runtime.js';

function deferredRunner() {
  const pending = new Map<string, (ok: boolean) => void>();
  const runner: TaskRunner = (task, ctx) =>
    new Promise((resolve) => {
      pending.set(task.id, (ok) => resolve({ status: ok ? 'succeeded' : 'failed', reason: null, exitCode: ok ? 0 : 1 }));
      ctx.signal.addEventListener('abort', () => resolve({ status: 'cancelled', reason: String(ctx.signal.reason), exitCode: null }));
    });
  return { runner, pending };
}

const tick = () => new Promise((r) => setImmediate(r));

async function setup() {
  const store = await openSqliteStore(':memory:', systemClock);
  const { runner, pending } = deferredRunner();
  const events: DispatchEvent[] = [];
  const d = createDispatcher({ store, agents: ['a', 'b'], runner, clock: systemClock, onEvent: (e) => events.push(e) });
  const enqueue = async (agent: string, payload: unknown) => (await store.enqueue({ agent, payload })).row;
  return { store, d, pending, events, enqueue };
}

describe('dispatcher', () => {
  it('runs one task at a time per agent, in order, and agents in parallel', async () => {
    const { store, d, pending, enqueue } = await setup();
    const a1 = await enqueue('a', 1);
    const a2 = await enqueue('a', 2);
    const b1 = await enqueue('b', 3);
    [a1, a2, b1].forEach((r) => d.submit(r));
    await tick();
    expect(
      d
        .busy()
        .map((t) => t.id)
        .sort(),
    ).toEqual([a1.id, b1.id].sort());
    expect(d.queued()).toBe(1);
    pending.get(a1.id)?.(true);
    await tick();
    expect((await store.get(a1.id))?.status).toBe('succeeded');
    expect(
      d
        .busy()
        .map((t) => t.id)
        .sort(),
    ).toEqual([a2.id, b1.id].sort());
  });

  it('whenIdle waits for a claim in progress, and resolves as soon as the last task ends', async () => {
    const { d, pending, enqueue } = await setup();
    const r = await enqueue('a', 1);
    d.submit(r);
    let idle = false;
    void d.whenIdle().then(() => {
      idle = true;
    });
    await tick();
    expect(idle).toBe(false);
    pending.get(r.id)?.(true);
    await tick();
    expect(idle).toBe(true);
  });

  it('hold keeps queued tasks queued; abortAll cancels running ones with the reason', async () => {
    const { store, d, enqueue } = await setup();
    const r1 = await enqueue('a', 1);
    const r2 = await enqueue('a', 2);
    d.submit(r1);
    d.submit(r2);
    await tick();
    d.hold();
    await d.abortAll('shutdown');
    await tick();
    expect(await store.get(r1.id)).toMatchObject({ status: 'cancelled', reason: 'shutdown' });
    expect((await store.get(r2.id))?.status).toBe('queued');
    expect(d.busy()).toEqual([]);
  });

  it('a claim that completes after abortAll starts already aborted', async () => {
    const { store, d, enqueue } = await setup();
    const r = await enqueue('a', 1);
    d.submit(r);
    d.hold();
    await d.abortAll('shutdown');
    await d.whenIdle();
    expect(await store.get(r.id)).toMatchObject({ status: 'cancelled', reason: 'shutdown' });
  });

  it('cancel ends a queued task and aborts a running one', async () => {
    const { store, d, events, enqueue } = await setup();
    const r1 = await enqueue('a', 1);
    const r2 = await enqueue('a', 2);
    d.submit(r1);
    d.submit(r2);
    await tick();
    expect(await d.cancel(r2.id, 'user')).toBe('cancelled');
    expect(await d.cancel(r1.id, 'user')).toBe('aborting');
    await d.whenIdle();
    expect(await store.get(r1.id)).toMatchObject({ status: 'cancelled', reason: 'user' });
    expect(await d.cancel(r1.id, 'user')).toBe('already-ended');
    expect(await d.cancel('00000000-0000-0000-0000-000000000000', 'user')).toBe('not-found');
    expect(events.filter((e) => e.type === 'task_ended')).toHaveLength(2);
  });

  it('a task for an unknown agent fails instead of waiting forever', async () => {
    const { store, d, enqueue } = await setup();
    const r = await enqueue('zzz', 1);
    d.submit(r);
    await tick();
    expect(await store.get(r.id)).toMatchObject({ status: 'failed', reason: 'unknown-agent' });
  });

  it('survives a store that fails to record a task end: the task leaves the busy set and the next one starts', async () => {
    const real = await openSqliteStore(':memory:', systemClock);
    let failNext = true;
    const store: TaskStore = {
      ...real,
      finish: async (id, end) => {
        if (failNext) {
          failNext = false;
          throw new Error('database is locked');
        }
        return real.finish(id, end);
      },
    };
    const errors: string[] = [];
    const runner: TaskRunner = async () => ({ status: 'succeeded', reason: null, exitCode: 0 });
    const d = createDispatcher({ store, agents: ['a'], runner, clock: systemClock, onEvent: () => {}, onError: (m) => errors.push(m) });
    const r1 = (await store.enqueue({ agent: 'a', payload: 1 })).row;
    const r2 = (await store.enqueue({ agent: 'a', payload: 2 })).row;
    d.submit(r1);
    d.submit(r2);
    for (let i = 0; i < 5; i++) await tick();
    await d.whenIdle();
    expect(errors).toEqual([expect.stringContaining('database is locked')]);
    expect(d.busy()).toEqual([]);
    expect((await store.get(r2.id))?.status).toBe('succeeded');
  });

  it('keeps a task queued when the store refuses the claim', async () => {
    const real = await openSqliteStore(':memory:', systemClock);
    const store: TaskStore = { ...real, claim: async () => Promise.reject(new Error('disk full')) };
    const errors: string[] = [];
    const d = createDispatcher({
      store,
      agents: ['a'],
      runner: async () => ({ status: 'succeeded', reason: null, exitCode: 0 }),
      clock: systemClock,
      onEvent: () => {},
      onError: (m) => errors.push(m),
    });
    const r = (await store.enqueue({ agent: 'a', payload: 1 })).row;
    d.submit(r);
    await d.whenIdle();
    expect(errors).toEqual([expect.stringContaining('disk full')]);
    expect(d.queued()).toBe(1);
    expect((await real.get(r.id))?.status).toBe('queued');
  });
});
