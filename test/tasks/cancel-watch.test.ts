// A cancel asked on one host for a task another host runs, over one store: the asking dispatcher
// marks it (`requested`), the running host's cancel watch aborts the run on the mark (woken by the
// store, or by its safety-net read on fake time), and the task ends cancelled with the reason.
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/tasks/sqlite/store.js';
import { createDispatcher, type DispatchEvent, type TaskRunner } from '../../src/tasks/dispatcher.js';
import { abortMarked, watchCancels } from '../../src/tasks/cancel-watch.js';
import type { TaskStore } from '../../src/tasks/store.js';
import { createFakeTime } from '../harness/fake-time.js';

// A run that lasts until it is aborted, then ends cancelled with the abort reason.
const untilAborted: TaskRunner = (_task, ctx) =>
  new Promise((resolve) =>
    ctx.signal.addEventListener('abort', () => resolve({ status: 'cancelled', reason: String(ctx.signal.reason), exitCode: null })),
  );

// Host A takes intake for `on-b`, host B runs it; both on one store.
async function twoHosts(wrap: (store: TaskStore) => TaskStore = (s) => s) {
  const time = createFakeTime();
  const shared = wrap(await openSqliteStore(':memory:', time.clock));
  const events: DispatchEvent[] = [];
  const common = { store: shared, runner: untilAborted, clock: time.clock, onEvent: (e: DispatchEvent) => events.push(e) };
  const a = createDispatcher({ ...common, agents: [], remote: ['on-b'] });
  const b = createDispatcher({ ...common, agents: ['on-b'] });
  const row = (await shared.enqueue({ agent: 'on-b', payload: 1 })).row;
  b.submit(row);
  await time.flush();
  expect(b.busy().map((t) => t.id)).toEqual([row.id]);
  return { time, store: shared, a, b, row, events };
}

describe('cancel across hosts', () => {
  it('the asking host marks the running task; the running host aborts it on the mark, and it ends cancelled/user', async () => {
    const { time, store, a, b, row, events } = await twoHosts();
    expect(await a.cancel(row.id, 'user')).toBe('requested');
    expect(a.abortRun(row.id, 'user')).toBe(false);
    expect(await store.get(row.id)).toMatchObject({ status: 'running', cancel_requested: 'user' });
    expect(await abortMarked(store, (id, reason) => b.abortRun(id, reason))).toEqual([{ id: row.id, reason: 'user' }]);
    await b.whenIdle();
    await time.flush();
    expect(await store.get(row.id)).toMatchObject({ status: 'cancelled', reason: 'user' });
    expect(events.at(-1)).toMatchObject({ type: 'task_ended', id: row.id, status: 'cancelled', reason: 'user' });
    expect(await a.cancel(row.id, 'user')).toBe('already-ended');
    expect(await abortMarked(store, (id, reason) => b.abortRun(id, reason))).toEqual([]);
  });

  it('a queued task of another host is cancelled at once by the host asked', async () => {
    const { store, a } = await twoHosts();
    const queued = (await store.enqueue({ agent: 'on-b', payload: 2 })).row;
    expect(await a.cancel(queued.id, 'user')).toBe('cancelled');
    expect(await store.get(queued.id)).toMatchObject({ status: 'cancelled', reason: 'user', cancel_requested: null });
  });

  it('the watch aborts as soon as the store tells it, reports each run once, and stops cleanly', async () => {
    const { time, store, a, b, row } = await twoHosts();
    const aborted: string[] = [];
    const stop = await watchCancels({
      store,
      abortRun: (id, reason) => b.abortRun(id, reason),
      timers: time.timers,
      everyMs: 5_000,
      onAborted: (id, reason) => aborted.push(`${id}:${reason}`),
    });
    await a.cancel(row.id, 'user');
    await time.flush();
    expect(aborted).toEqual([`${row.id}:user`]);
    await b.whenIdle();
    expect(await store.get(row.id)).toMatchObject({ status: 'cancelled', reason: 'user' });
    await stop();
    await stop();
    expect(time.pending()).toBe(0);
  });

  it('without a wake-up (a dropped LISTEN), the periodic read finds the mark within one period', async () => {
    const { time, a, b, row, store } = await twoHosts((s) => ({ ...s, watchCancels: async () => async () => {} }));
    const errors: string[] = [];
    let failOnce = true;
    const flaky: TaskStore = {
      ...store,
      cancelRequests: async () => {
        if (failOnce) {
          failOnce = false;
          throw new Error('connection refused');
        }
        return store.cancelRequests();
      },
    };
    const stop = await watchCancels({
      store: flaky,
      abortRun: (id, reason) => b.abortRun(id, reason),
      timers: time.timers,
      everyMs: 5_000,
      onError: (m) => errors.push(m),
    });
    await time.flush();
    expect(errors).toEqual(['could not read the cancel requests: connection refused']);
    await a.cancel(row.id, 'user');
    await time.advance(4_999);
    expect(b.busy()).toHaveLength(1);
    await time.advance(1);
    await b.whenIdle();
    expect(await store.get(row.id)).toMatchObject({ status: 'cancelled', reason: 'user' });
    await stop();
  });
});
