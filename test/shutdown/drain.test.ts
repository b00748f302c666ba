// The drain coordinator on fake time: clean drain, timeout → abort, second signal, a cleanup
// that throws or hangs, extend mode, and the STATUS= text. Fakes only; the wiring under a real
// systemd is proven by the integration tests.
import { describe, expect, it } from 'vitest';
import { planDrain, type BudgetInput, type DrainPlan } from '../../src/shutdown/budget.js';
import { createDrain, type BusyTask, type DrainDeps, type DrainableWork, type SettledTask } from '../../src/shutdown/drain.js';
import { startExtender } from '../../src/systemd/notify/extend.js';
import { createNotifier } from '../../src/systemd/notify/notify.js';
import { openSqliteStore } from '../../src/tasks/sqlite/store.js';
import { createDispatcher, type TaskRunner } from '../../src/tasks/dispatcher.js';
import { createFakeTime } from '../harness/fake-time.js';

const plainInput: BudgetInput = {
  drainMs: 10_000,
  abortGraceMs: 2_000,
  cleanupMs: 3_000,
  marginMs: 1_000,
  extend: false,
  maxDrainMs: 60_000,
};
const plainPlan = planDrain(plainInput, 16_000);

// In-flight work the test settles by hand; abortAll settles everything after `abortMs`.
function fakeWork(time: ReturnType<typeof createFakeTime>, ids: string[], abortMs = 0) {
  const busy = new Map<string, BusyTask>(ids.map((id) => [id, { id, agent: `agent-${id}`, startedAt: time.clock.monotonic() }]));
  const listeners = new Set<(t: SettledTask) => void>();
  const waiters: Array<() => void> = [];
  let activity = 0;
  let held = false;
  const aborts: string[] = [];
  const settle = (id: string, status = 'succeeded'): void => {
    const t = busy.get(id);
    if (!t) return;
    busy.delete(id);
    activity += 1;
    for (const l of listeners) l({ id, agent: t.agent, status, durationMs: 1 });
    if (busy.size === 0) for (const w of waiters.splice(0)) w();
  };
  const work: DrainableWork = {
    busy: () => [...busy.values()],
    hold: () => {
      held = true;
    },
    whenIdle: () => (busy.size === 0 ? Promise.resolve() : new Promise((r) => waiters.push(r))),
    abortAll: (reason) => {
      aborts.push(reason);
      return new Promise((resolve) => {
        time.timers.setTimeout(() => {
          for (const id of [...busy.keys()]) settle(id, 'cancelled');
          resolve();
        }, abortMs);
      });
    },
    activity: () => activity,
  };
  const onSettled = (cb: (t: SettledTask) => void) => {
    listeners.add(cb);
    return () => listeners.delete(cb);
  };
  return { work, onSettled, settle, progress: () => (activity += 1), aborts, held: () => held };
}

// A drain over fake time and fake work, recording every phase line, STOPPING and STATUS text.
function setup(opts: { ids?: string[]; plan?: DrainPlan; abortMs?: number; over?: Partial<DrainDeps> } = {}) {
  const time = createFakeTime();
  const f = fakeWork(time, opts.ids ?? ['t1', 't2'], opts.abortMs);
  const phases: Array<{ phase: string; message: string; fields: Record<string, string | number> }> = [];
  const stopping: string[] = [];
  const statuses: string[] = [];
  let cleaned = 0;
  const deps: DrainDeps = {
    plan: opts.plan ?? plainPlan,
    clock: time.clock,
    timers: time.timers,
    work: f.work,
    log: (phase, message, fields = {}) => phases.push({ phase, message, fields }),
    stopping: (text) => stopping.push(text),
    status: (text) => statuses.push(text),
    onSettled: f.onSettled,
    cleanup: async () => {
      cleaned += 1;
    },
    ...opts.over,
  };
  const drain = createDrain(deps);
  const start = time.clock.monotonic();
  return { time, f, drain, phases, stopping, statuses, cleaned: () => cleaned, elapsed: () => time.clock.monotonic() - start };
}

// Resolve `p` while advancing fake time in steps; fails if it does not settle within `maxMs`.
async function runFor<T>(time: ReturnType<typeof createFakeTime>, p: Promise<T>, maxMs: number, stepMs = 100): Promise<T> {
  let done = false;
  let value: T | undefined;
  void p.then((v) => {
    done = true;
    value = v;
  });
  for (let t = 0; t < maxMs && !done; t += stepMs) await time.advance(stepMs);
  await Promise.resolve();
  if (!done) throw new Error(`not settled within ${maxMs} ms of fake time`);
  return value as T;
}

describe('createDrain', () => {
  it('a clean drain: refuses, waits for both tasks, cleans up and says bye', async () => {
    const s = setup();
    const report = s.drain.signal('SIGTERM');
    expect(s.drain.state()).toBe('draining');
    expect(s.f.held()).toBe(true);
    await s.time.advance(1500);
    s.f.settle('t1');
    await s.time.advance(1500);
    s.f.settle('t2');
    const r = await runFor(s.time, report, 1000);
    expect(r).toMatchObject({ signal: 'SIGTERM', settled: 2, aborted: [] });
    expect(r.drainMs).toBeGreaterThanOrEqual(3000);
    expect(r.drainMs).toBeLessThan(3100);
    expect(s.f.aborts).toEqual([]);
    expect(s.cleaned()).toBe(1);
    expect(s.drain.state()).toBe('done');
    expect(s.phases.map((p) => p.phase)).toEqual(['signal', 'drain', 'drain', 'drain', 'cleanup', 'bye']);
    expect(s.phases[0]?.fields).toMatchObject({ SIGNAL: 'SIGTERM', BUSY: 2, DRAIN_MS: 10_000 });
  });

  it('with nothing in flight, drains at once', async () => {
    const s = setup({ ids: [] });
    const r = await runFor(s.time, s.drain.signal('SIGINT'), 100, 1);
    expect(r).toMatchObject({ settled: 0, aborted: [] });
    expect(r.drainMs).toBeLessThanOrEqual(1);
    expect(s.phases.map((p) => p.phase)).toEqual(['signal', 'drain', 'cleanup', 'bye']);
  });

  it('a drain timeout aborts what is left with reason shutdown, after exactly drainMs', async () => {
    const s = setup({ abortMs: 1500 });
    const report = s.drain.signal('SIGTERM');
    await s.time.advance(2000);
    s.f.settle('t1');
    const r = await runFor(s.time, report, 20_000);
    expect(s.f.aborts).toEqual(['shutdown']);
    expect(r).toMatchObject({ settled: 1, aborted: ['t2'] });
    expect(r.drainMs).toBe(plainPlan.drainMs);
    expect(r.totalMs).toBeLessThanOrEqual(plainPlan.capMs);
    expect(s.phases.filter((p) => p.phase === 'abort').map((p) => p.message)).toEqual([
      'force-abort after 10000 ms, 1 task left',
      'task t2 force-aborted',
    ]);
    expect(s.statuses).toContain('aborting 1 task');
  });

  it('ends a timed-out task cancelled/shutdown in the store, through the real dispatcher', async () => {
    const time = createFakeTime();
    const store = await openSqliteStore(':memory:', time.clock);
    const runner: TaskRunner = (_task, ctx) =>
      new Promise((resolve) =>
        ctx.signal.addEventListener('abort', () => resolve({ status: 'cancelled', reason: String(ctx.signal.reason), exitCode: null })),
      );
    const dispatcher = createDispatcher({ store, agents: ['a'], runner, clock: time.clock, onEvent: () => {} });
    const { row } = await store.enqueue({ agent: 'a', payload: {} });
    dispatcher.submit(row);
    await time.advance(5);
    expect(dispatcher.busy()).toHaveLength(1);
    const drain = createDrain({
      plan: plainPlan,
      clock: time.clock,
      timers: time.timers,
      work: dispatcher,
      log: () => {},
      stopping: () => {},
      status: () => {},
    });
    const r = await runFor(time, drain.signal('SIGTERM'), 20_000);
    expect(r.aborted).toEqual([row.id]);
    expect(await store.get(row.id)).toMatchObject({ status: 'cancelled', reason: 'shutdown' });
  });

  it('a second signal skips straight to abort', async () => {
    const s = setup();
    const report = s.drain.signal('SIGTERM');
    await s.time.advance(500);
    const again = s.drain.signal('SIGINT');
    expect(again).toBe(report);
    const r = await runFor(s.time, report, 1000, 10);
    expect(s.f.aborts).toEqual(['shutdown']);
    expect(r.aborted.sort()).toEqual(['t1', 't2']);
    expect(r.drainMs).toBeLessThan(600);
    expect(s.phases.find((p) => p.message.startsWith('second signal'))?.fields).toEqual({ SIGNAL: 'SIGINT' });
  });

  it('a cleanup that throws is logged, and the drain still says bye', async () => {
    const s = setup({ ids: [], over: { cleanup: async () => Promise.reject(new Error('disk gone')) } });
    const r = await runFor(s.time, s.drain.signal('SIGTERM'), 100, 1);
    expect(r.aborted).toEqual([]);
    expect(s.phases.map((p) => p.message)).toContain('cleanup failed: disk gone');
    expect(s.phases.at(-1)?.phase).toBe('bye');
    expect(s.drain.state()).toBe('done');
  });

  it('a cleanup that hangs is cut off after cleanupMs (its signal aborts), and the bye comes within the budget', async () => {
    let aborted = false;
    const s = setup({
      over: {
        cleanup: (signal) =>
          new Promise(() => {
            signal.addEventListener('abort', () => {
              aborted = true;
            });
          }),
      },
    });
    const report = s.drain.signal('SIGTERM');
    s.f.settle('t1');
    s.f.settle('t2');
    const r = await runFor(s.time, report, 10_000);
    expect(aborted).toBe(true);
    expect(s.phases.find((p) => p.phase === 'cleanup')?.message).toBe(`cleanup cut off after ${plainPlan.cleanupMs} ms`);
    expect(r.totalMs).toBeGreaterThanOrEqual(plainPlan.cleanupMs);
    expect(r.totalMs).toBeLessThanOrEqual(plainPlan.capMs);
  });

  it('the STATUS text counts down each second, singular for one task', async () => {
    const s = setup({ ids: ['only'] });
    const report = s.drain.signal('SIGTERM');
    expect(s.stopping).toEqual(['stopping: draining 1 task']);
    expect(s.phases[0]?.message).toBe('signal received, draining 1 task');
    await s.time.advance(2050);
    expect(s.statuses.slice(0, 2)).toEqual(['draining 1 task, 9 s left', 'draining 1 task, 8 s left']);
    s.f.settle('only');
    await runFor(s.time, report, 1000);
    const two = setup({ ids: ['a', 'b'] });
    void two.drain.signal('SIGTERM');
    await two.time.advance(1050);
    expect(two.stopping).toEqual(['stopping: draining 2 tasks']);
    expect(two.statuses[0]).toBe('draining 2 tasks, 9 s left');
  });

  it('a signal during refuse never starts a second drain, and state moves forward only', async () => {
    const s = setup({ ids: [] });
    const states: string[] = [];
    const d = createDrain({
      plan: plainPlan,
      clock: s.time.clock,
      timers: s.time.timers,
      work: s.f.work,
      log: () => states.push(d.state()),
      stopping: () => {},
      status: () => {},
    });
    await runFor(s.time, d.signal('SIGTERM'), 100, 1);
    expect(states).toEqual(['refusing', 'draining', 'cleaning', 'done']);
  });
});

describe('createDrain in extend mode', () => {
  const extendInput: BudgetInput = {
    drainMs: 5_000,
    abortGraceMs: 1_000,
    cleanupMs: 1_000,
    marginMs: 1_000,
    extend: true,
    maxDrainMs: 60_000,
  };
  const plan = planDrain(extendInput, 3_000);

  // An extend-mode drain with the real extender over a capturing notifier.
  function extendSetup(p: DrainPlan = plan) {
    const sent: Array<[number, number]> = [];
    const holder: { time?: ReturnType<typeof createFakeTime> } = {};
    const s = setup({
      ids: ['t1'],
      plan: p,
      over: {
        startExtension: (progress, describe) => {
          const time = holder.time as ReturnType<typeof createFakeTime>;
          const notifier = createNotifier({
            env: { NOTIFY_SOCKET: '/run/n' },
            transport: (text) => {
              const m = /EXTEND_TIMEOUT_USEC=(\d+)/.exec(text);
              if (m) sent.push([time.clock.monotonic(), Number(m[1]) / 1000]);
            },
          });
          return startExtender({
            notifier,
            clock: time.clock,
            timers: time.timers,
            timeoutStopMs: p.timeoutStopMs,
            capMs: p.capMs,
            sliceMs: p.sliceMs,
            progress,
            describe,
          });
        },
      },
    });
    holder.time = s.time;
    const t0 = s.time.clock.monotonic();
    return { ...s, sent, t0 };
  }

  it('extends while the task makes progress, and the task finishes without an abort', async () => {
    const s = extendSetup();
    const report = s.drain.signal('SIGTERM');
    for (let i = 0; i < 30; i++) {
      await s.time.advance(1000);
      s.f.progress();
    }
    s.f.settle('t1');
    const r = await runFor(s.time, report, 1000);
    expect(r).toMatchObject({ settled: 1, aborted: [] });
    expect(s.sent.length).toBeGreaterThan(10);
    // Every extension was sent before the deadline the previous one set.
    let deadline = s.t0 + plan.timeoutStopMs;
    for (const [at, slice] of s.sent) {
      expect(at).toBeLessThan(deadline);
      deadline = Math.max(deadline, at + slice);
    }
  });

  it('stops extending once the task stalls, then aborts with the tail left before the deadline', async () => {
    const s = extendSetup();
    const report = s.drain.signal('SIGTERM');
    const r = await runFor(s.time, report, 60_000);
    expect(r.aborted).toEqual(['t1']);
    const lastExtension = s.sent.at(-1);
    expect(lastExtension).toBeDefined();
    const [at, slice] = lastExtension ?? [0, 0];
    expect(at - s.t0).toBeLessThan(plan.stallMs + 1100);
    // The abort came with the whole tail (A + C + M) still left before the extended deadline.
    const abortAt = s.t0 + r.drainMs;
    expect(at + slice - abortAt).toBeGreaterThanOrEqual(plan.tailMs - 1);
    expect(r.totalMs).toBeLessThanOrEqual(at + slice - s.t0);
  });

  it('never extends past the hard cap, however long the task keeps making progress', async () => {
    const capped = planDrain({ ...extendInput, maxDrainMs: 12_000 }, 3_000);
    const s = extendSetup(capped);
    const report = s.drain.signal('SIGTERM');
    let settled = false;
    void report.then(() => {
      settled = true;
    });
    for (let i = 0; i < 40 && !settled; i++) {
      await s.time.advance(500);
      s.f.progress();
    }
    const r = await runFor(s.time, report, 5000);
    expect(r.aborted).toEqual(['t1']);
    for (const [at, slice] of s.sent) expect(at + slice).toBeLessThanOrEqual(s.t0 + capped.capMs);
    expect(r.totalMs).toBeLessThanOrEqual(capped.capMs);
    expect(r.drainMs).toBeLessThanOrEqual(capped.capMs - capped.tailMs);
  });
});
