// The host loop on fake time: heartbeat, reclaim and re-queue of expired leases, and the queue
// poll behind LISTEN/NOTIFY, never faster than once a second, stopping cleanly.
import { describe, expect, it } from 'vitest';
import { startHostLoop, MIN_POLL_MS } from '../../src/tasks/host-loop.js';
import { openSqliteStore } from '../../src/tasks/sqlite/store.js';
import type { TaskStore } from '../../src/tasks/store.js';
import type { TaskRow } from '../../src/tasks/types.js';
import { createFakeTime } from '../harness/fake-time.js';
import { liveHosts, ownInstances, resolveHostId, splitByHost } from '../../src/tasks/hosts.js';
import type { AgentInstance } from '../../src/config/instances.js';

// A store on fake time holding one task that crashed, ready to be re-queued.
async function crashedTask() {
  const time = createFakeTime();
  const base = await openSqliteStore(':memory:', time.clock);
  const first = (await base.enqueue({ agent: 'a', payload: 1 })).row;
  await base.claim(first.id);
  await base.crashRunning();
  return { time, base, first };
}

// Start the loop over `store` for agent `a`, recording what it offers, reclaims and reports.
function watchLoop(store: TaskStore, time: ReturnType<typeof createFakeTime>, everyMs: number) {
  const errors: string[] = [];
  const seen: Array<[string[], Array<[string, string]>, string[]]> = [];
  const offered: TaskRow[] = [];
  startHostLoop({
    store,
    timers: time.timers,
    everyMs,
    recovery: { requeue: true, maxAttempts: 3 },
    agents: new Set(['a']),
    onQueued: (row) => offered.push(row),
    onReclaimed: (...args) => seen.push(args),
    onError: (m) => errors.push(m),
  });
  return { errors, seen, offered };
}

describe('startHostLoop', () => {
  it('heartbeats, offers queued rows of its own agents only, and never runs faster than once a second', async () => {
    const time = createFakeTime();
    const store = await openSqliteStore(':memory:', time.clock);
    const mine = (await store.enqueue({ agent: 'a', payload: 1 })).row;
    await store.enqueue({ agent: 'b', payload: 1 });
    const offered: string[] = [];
    const stop = startHostLoop({
      store,
      timers: time.timers,
      everyMs: 10,
      recovery: { requeue: true, maxAttempts: 3 },
      agents: new Set(['a']),
      onQueued: (row) => offered.push(row.id),
    });
    await time.advance(MIN_POLL_MS - 1);
    expect(offered).toEqual([]);
    await time.advance(1);
    expect(offered).toEqual([mine.id]);
    expect((await store.hosts()).map((h) => h.id)).toEqual(['local']);
    await time.advance(MIN_POLL_MS);
    expect(offered).toEqual([mine.id, mine.id]);
    stop();
    stop();
    expect(time.pending()).toBe(0);
  });

  it('re-queues what it reclaimed with attempt counting, and keeps going after a failed round', async () => {
    const { time, base, first } = await crashedTask();
    const rounds: Array<string[] | Error> = [new Error('connection refused'), [first.id]];
    const store: TaskStore = {
      ...base,
      reclaimExpired: async () => {
        const next = rounds.shift() ?? [];
        if (next instanceof Error) throw next;
        return next;
      },
    };
    const { errors, seen, offered } = watchLoop(store, time, 5_000);
    await time.advance(5_000);
    expect(errors).toEqual(['host loop: connection refused']);
    await time.advance(5_000);
    expect(seen).toHaveLength(1);
    const [reclaimed, requeued] = seen[0] ?? [[], []];
    expect(reclaimed).toEqual([first.id]);
    expect(requeued.map(([old]) => old)).toEqual([first.id]);
    expect(offered.map((r) => [r.attempt, r.retry_of])).toEqual([[2, first.id]]);
  });

  it('a re-queue that fails after its reclaim is owed: the next round re-queues those rows, though it reclaims nothing', async () => {
    const { time, base, first } = await crashedTask();
    const reclaims = [[first.id]];
    let listFails = 1;
    const store: TaskStore = {
      ...base,
      reclaimExpired: async () => reclaims.shift() ?? [],
      listRetryable: async () => {
        if (listFails-- > 0) throw new Error('connection terminated');
        return base.listRetryable();
      },
    };
    const { errors, seen } = watchLoop(store, time, 1_000);
    await time.advance(1_000);
    expect(errors).toEqual(['host loop: connection terminated']);
    expect((await base.get(first.id))?.retried_as).toBeNull();
    await time.advance(1_000);
    expect(seen.map(([reclaimed, requeued]) => [reclaimed, requeued.map(([old]) => old)])).toEqual([[[first.id], [first.id]]]);
    expect((await base.get(first.id))?.retried_as).toEqual(expect.any(String));
    await time.advance(1_000);
    expect(seen).toHaveLength(1);
  });
});

describe('hosts', () => {
  it('resolves the host id: the configured one, else the machine id, else local', () => {
    expect(resolveHostId('ci-a', 'abc\n')).toBe('ci-a');
    expect(resolveHostId(undefined, '0123abcd\n')).toBe('0123abcd');
    expect(resolveHostId(undefined, '\n')).toBe('local');
    expect(resolveHostId(undefined, undefined)).toBe('local');
  });

  it('a host runs its own instances and those that name no host', () => {
    const type = {} as AgentInstance['type'];
    const all: AgentInstance[] = [
      { name: 'any', typeName: 't', type },
      { name: 'on-a', typeName: 't', type, host: 'a' },
      { name: 'on-b', typeName: 't', type, host: 'b' },
    ];
    expect(ownInstances(all, 'a').map((i) => i.name)).toEqual(['any', 'on-a']);
    expect(ownInstances(all, 'c').map((i) => i.name)).toEqual(['any']);
    const { own, elsewhere } = splitByHost(all, 'a');
    expect([own.map((i) => i.name), elsewhere.map((i) => i.name)]).toEqual([['any', 'on-a'], ['on-b']]);
    expect(splitByHost(all, 'c').elsewhere.map((i) => i.name)).toEqual(['on-a', 'on-b']);
  });

  it('lists the hosts seen within one lease, always this one', () => {
    const now = Date.UTC(2026, 0, 1, 0, 1);
    const seen = [
      { id: 'b', seen_at: now - 1_000 },
      { id: 'gone', seen_at: now - 60_000 },
    ];
    expect(liveHosts(seen, 'a', now).map((h) => [h.id, h.self])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(liveHosts([{ id: 'a', seen_at: now - 60_000 }], 'a', now)).toEqual([
      { id: 'a', seen_at: new Date(now - 60_000).toISOString(), self: true },
    ]);
  });
});
