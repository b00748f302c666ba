// Dispatcher logic with a fake runner over the real SQLite store (pure queueing; real processes are in integration tests).
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/tasks/sqlite/store.js';
import { createDispatcher, LEASE_LOST, type DispatchEvent, type TaskRunner } from '../../src/tasks/dispatcher.js';
import { createFakeTime } from '../harness/fake-time.js';
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

describe('dispatcher: hold and release', () => {
  it('holds queued tasks until release, then starts them in order; task_started comes when busy() counts the task', async () => {
    const store = await openSqliteStore(':memory:', systemClock);
    const { runner, pending } = deferredRunner();
    const seen: Array<[string, number]> = [];
    const d = createDispatcher({
      store,
      agents: ['a'],
      runner,
      clock: systemClock,
      onEvent: (e) => {
        if (e.type === 'task_started') seen.push([e.id, d.busy().length]);
      },
    });
    d.hold();
    const first = (await store.enqueue({ agent: 'a', payload: 1 })).row;
    const second = (await store.enqueue({ agent: 'a', payload: 2 })).row;
    d.submit(first);
    d.submit(second);
    await tick();
    expect(d.busy()).toHaveLength(0);
    expect(d.queued()).toBe(2);
    expect(await store.get(first.id)).toMatchObject({ status: 'queued' });
    d.release();
    await tick();
    expect(seen).toEqual([[first.id, 1]]);
    pending.get(first.id)?.(true);
    await tick();
    await tick();
    expect(seen).toEqual([
      [first.id, 1],
      [second.id, 1],
    ]);
    pending.get(second.id)?.(true);
    await d.whenIdle();
  });
});

describe('dispatcher: hosts and leases', () => {
  it("leaves another host's instances queued in the store, ignores a task submitted twice, and announces neither", async () => {
    const store = await openSqliteStore(':memory:', systemClock);
    const { runner } = deferredRunner();
    const events: DispatchEvent[] = [];
    const d = createDispatcher({ store, agents: ['a'], remote: ['b'], runner, clock: systemClock, onEvent: (e) => events.push(e) });
    const forB = (await store.enqueue({ agent: 'b', payload: 1 })).row;
    d.submit(forB);
    await tick();
    expect(await store.get(forB.id)).toMatchObject({ status: 'queued' });
    // The host that stored the row announced it (task_queued); the dispatcher does not again.
    expect(events).toEqual([]);
    const a1 = (await store.enqueue({ agent: 'a', payload: 1 })).row;
    const a2 = (await store.enqueue({ agent: 'a', payload: 2 })).row;
    d.submit(a1);
    d.submit(a2);
    d.submit(a2);
    d.submit(a1);
    await tick();
    expect(d.queued()).toBe(1);
    expect(events.map((e) => [e.type, e.id])).toEqual([['task_started', a1.id]]);
  });

  it('renews the lease every renewMs with the fence of its claim, and stops when the task ends', async () => {
    const time = createFakeTime();
    const base = await openSqliteStore(':memory:', time.clock);
    const renewals: Array<[string, number]> = [];
    const store: TaskStore = { ...base, renew: async (id, fence) => (renewals.push([id, fence]), true) };
    const { runner, pending } = deferredRunner();
    const d = createDispatcher({
      store,
      agents: ['a'],
      runner,
      clock: time.clock,
      onEvent: () => {},
      lease: { timers: time.timers, renewMs: 5_000 },
    });
    const row = (await store.enqueue({ agent: 'a', payload: 1 })).row;
    d.submit(row);
    await time.advance(12_000);
    expect(renewals).toEqual([
      [row.id, 1],
      [row.id, 1],
    ]);
    pending.get(row.id)?.(true);
    await time.flush();
    expect(await store.get(row.id)).toMatchObject({ status: 'succeeded' });
    expect(time.pending()).toBe(0);
  });

  // A dispatcher on fake time whose renewals answer `answers` in turn, then `after`, and what it
  // reported; with `reclaimed`, another host has taken the row, so a fenced finish is refused; a
  // claim answers after `claimDelayMs`.
  async function scriptedLease(
    answers: Array<boolean | Error | 'hang'>,
    after: boolean | Error | 'hang',
    lease: { renewMs: number; leaseMs?: number },
    { reclaimed = true, claimDelayMs = 0 } = {},
  ) {
    const time = createFakeTime();
    const base = await openSqliteStore(':memory:', time.clock);
    const store: TaskStore = {
      ...base,
      claim: (id) =>
        claimDelayMs === 0 ? base.claim(id) : new Promise((resolve) => time.timers.setTimeout(() => resolve(base.claim(id)), claimDelayMs)),
      renew: async () => {
        const next = answers.shift() ?? after;
        if (next === 'hang') return new Promise<boolean>(() => {});
        if (next instanceof Error) throw next;
        return next;
      },
      finish: async (id, end, fence) => (fence === undefined || !reclaimed ? base.finish(id, end, fence) : false),
    };
    const { runner, pending } = deferredRunner();
    const errors: string[] = [];
    const events: DispatchEvent[] = [];
    const d = createDispatcher({
      store,
      agents: ['a'],
      runner,
      clock: time.clock,
      onEvent: (e) => events.push(e),
      onError: (m) => errors.push(m),
      lease: { timers: time.timers, ...lease },
    });
    const row = (await store.enqueue({ agent: 'a', payload: 1 })).row;
    d.submit(row);
    return { time, base, d, row, errors, events, pending };
  }

  // The run is still on at `heldMs`, and stopped with lease-lost one renewal (5 s) later.
  async function expectLeaseLostAfter(setup: Awaited<ReturnType<typeof scriptedLease>>, heldMs: number): Promise<void> {
    const { time, d, row, events } = setup;
    await time.advance(heldMs);
    expect(d.busy()).toHaveLength(1);
    await time.advance(5_000);
    await d.whenIdle();
    expect(events.at(-1)).toMatchObject({ type: 'task_ended', id: row.id, status: 'cancelled', reason: LEASE_LOST });
  }

  it('a lost lease aborts the run with lease-lost and records no result; a store error keeps the run', async () => {
    const setup = await scriptedLease([new Error('connection refused'), true, false], false, { renewMs: 5_000 });
    const { time, base, row, errors } = setup;
    await expectLeaseLostAfter(setup, 10_000);
    expect(errors.some((m) => m.includes('could not renew'))).toBe(true);
    expect(errors.some((m) => m.includes('stopped (lease-lost): not recorded'))).toBe(true);
    expect(await base.get(row.id)).toMatchObject({ status: 'running' });
    expect(time.pending()).toBe(0);
  });

  it('on a shared store, a run whose renewals fail for leaseMs - renewMs is stopped (lease-lost); one renewal that held resets the count', async () => {
    // Fails at 5 s, holds at 10 s, then the database is away for good.
    const setup = await scriptedLease([new Error('gone'), true], new Error('connection refused'), { renewMs: 5_000, leaseMs: 20_000 });
    const { time, errors } = setup;
    // The renewal sent at 10 s held, so the lease lasts until at least 30 s: the failures at 15 and
    // 20 s keep the run; the one at 25 s stops it, since the lease may run out before the next try.
    await expectLeaseLostAfter(setup, 20_000);
    expect(errors.some((m) => m.includes('was not renewed for 15000 ms and runs out within 5000 ms'))).toBe(true);
    expect(time.pending()).toBe(0);
  });

  it('on a shared store, renewals that never answer (packets dropped) stop the run at leaseMs - renewMs, on its own timer', async () => {
    // Holds at 5 s; from 10 s on every renewal hangs, so no answer ever says it failed.
    const setup = await scriptedLease([true], 'hang', { renewMs: 5_000, leaseMs: 20_000 });
    const { time, errors } = setup;
    // Held at 5 s: the lease lasts until at least 25 s, and the run stops at 20 s, a renewal ahead.
    await expectLeaseLostAfter(setup, 15_000);
    expect(errors.some((m) => m.includes('was not renewed for 15000 ms and runs out within 5000 ms'))).toBe(true);
    expect(time.pending()).toBe(0);
  });

  it('the lease runs from when the claim was sent: a claim that took 6 s leaves 6 s less before the run stops', async () => {
    const { time, d, events } = await scriptedLease([], 'hang', { renewMs: 5_000, leaseMs: 20_000 }, { claimDelayMs: 6_000 });
    // Claim sent at 0, answered at 6 s: the lease may run out at 20 s, so the run stops at 15 s, 9 s after it started.
    await time.advance(14_999);
    expect(d.busy()).toHaveLength(1);
    await time.advance(1);
    await d.whenIdle();
    expect(events.at(-1)).toMatchObject({ type: 'task_ended', status: 'cancelled', reason: LEASE_LOST });
  });

  it('a run stopped for its lease records nothing, even when the database is back before any host reclaimed it', async () => {
    // The fenced finish would still win here (no other host took the row): it must not be sent.
    const setup = await scriptedLease([true], 'hang', { renewMs: 5_000, leaseMs: 20_000 }, { reclaimed: false });
    await expectLeaseLostAfter(setup, 15_000);
    // Still running in the store: the lease runs out, and the reclaim makes it crashed/lease-expired, which is retried.
    expect(await setup.base.get(setup.row.id)).toMatchObject({ status: 'running' });
  });

  it.each([
    [5_000, 20_000],
    [10_000, 20_000],
    [15_000, 20_000],
  ])('renewals that hold never stop a run (renewMs %i, leaseMs %i): the deadline is after the next renewal', async (renewMs, leaseMs) => {
    const { d, errors, time } = await scriptedLease([], true, { renewMs, leaseMs });
    await time.advance(120_000);
    expect(errors).toEqual([]);
    expect(d.busy()).toHaveLength(1);
  });

  it('renewMs over a third of leaseMs: a renewal that hangs stops the run half-way between it and the lease end', async () => {
    // Holds at 15 s (the claim at 0); the renewal at 30 s hangs; the lease ends at 35 s, the run stops at 32.5 s.
    const setup = await scriptedLease([true], 'hang', { renewMs: 15_000, leaseMs: 20_000 });
    await expectLeaseLostAfter(setup, 32_000);
    expect(setup.errors.some((m) => m.includes('was not renewed for 17500 ms and runs out within 2500 ms'))).toBe(true);
  });

  it('without leaseMs (one host), failed renewals never stop the run', async () => {
    const {
      time,
      base: store,
      d,
      row,
      pending,
    } = await scriptedLease([], new Error('disk I/O error'), { renewMs: 5_000 }, { reclaimed: false });
    await time.advance(120_000);
    expect(d.busy()).toHaveLength(1);
    pending.get(row.id)?.(true);
    await time.flush();
    expect(await store.get(row.id)).toMatchObject({ status: 'succeeded' });
  });
});
