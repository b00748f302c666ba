// The task store port's contract: every backend runs these against its own implementation.
import { describe, expect, it } from 'vitest';
import type { TaskStore } from '../../src/tasks/store.js';
import { TASK_STATUSES } from '../../src/vocabulary.js';

/** Run the port's contract against the backend `open` makes (a fresh, empty store per call). */
export function describeTaskStore(backend: string, open: () => Promise<TaskStore>): void {
  describe(`TaskStore contract: ${backend}`, () => {
    const running = async (store: TaskStore, agent = 'a') => {
      const { row } = await store.enqueue({ agent, payload: 1 });
      await store.claim(row.id);
      return row;
    };

    it('enqueues, claims once, records the pid and finishes once', async () => {
      const store = await open();
      const { row, duplicate } = await store.enqueue({ agent: 'dev-default', payload: { a: 1 } });
      expect(duplicate).toBe(false);
      expect(row).toMatchObject({ status: 'queued', attempt: 1, agent: 'dev-default', source: 'http', root_id: row.id });
      expect(JSON.parse(row.payload)).toEqual({ a: 1 });
      expect(await store.claim(row.id)).toMatchObject({ id: row.id, status: 'running' });
      expect(await store.claim(row.id)).toBeUndefined();
      await store.setPid(row.id, 42, 7);
      expect(await store.finish(row.id, { status: 'succeeded', reason: null, exitCode: 0, output: 'ok' })).toBe(true);
      expect(await store.finish(row.id, { status: 'failed', reason: 'x', exitCode: 1 })).toBe(false);
      expect(await store.get(row.id)).toMatchObject({ status: 'succeeded', exit_code: 0, pid: 42, pid_start: 7, output: 'ok' });
      expect((await store.get(row.id))?.ended_at).not.toBeNull();
      await store.close();
    });

    it('finishes a task whose output holds NUL (PostgreSQL text cannot): NUL is kept as U+FFFD', async () => {
      const store = await open();
      const row = await running(store);
      const end = { status: 'failed', reason: 'internal: a\0b', exitCode: 1, output: 'out\0put\n' } as const;
      expect(await store.finish(row.id, end)).toBe(true);
      expect(await store.get(row.id)).toMatchObject({ status: 'failed', reason: 'internal: a\uFFFDb', output: 'out\uFFFDput\n' });
      await store.close();
    });

    it('returns the same row for a replayed dedupe key', async () => {
      const store = await open();
      const a = await store.enqueue({ agent: 'x', payload: 1, dedupeKey: 'k', source: 'webhook' });
      const b = await store.enqueue({ agent: 'x', payload: 2, dedupeKey: 'k', source: 'webhook' });
      expect(b).toEqual({ row: a.row, duplicate: true });
      await store.close();
    });

    it('ends a queued task only while it is queued', async () => {
      const store = await open();
      const { row } = await store.enqueue({ agent: 'a', payload: null });
      expect(await store.endQueued(row.id, 'cancelled', 'user')).toBe(true);
      expect(await store.endQueued(row.id, 'failed', 'x')).toBe(false);
      expect(await store.claim(row.id)).toBeUndefined();
      expect(await store.get(row.id)).toMatchObject({ status: 'cancelled', reason: 'user' });
      await store.close();
    });

    it('lists by status oldest first, with a limit, the queued rows of some instances only, and counts every status', async () => {
      const store = await open();
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await store.enqueue({ agent: 'a', payload: i })).row.id);
      await store.claim(ids[1] ?? '');
      expect((await store.list('queued')).map((r) => r.id)).toEqual([ids[0], ids[2]]);
      expect((await store.list('queued', 1)).map((r) => r.id)).toEqual([ids[0]]);
      const other = (await store.enqueue({ agent: "b'); DROP TABLE task_history; --", payload: null })).row;
      const third = (await store.enqueue({ agent: 'c', payload: null })).row;
      expect((await store.listQueued(['a'])).map((r) => r.id)).toEqual([ids[0], ids[2]]);
      expect((await store.listQueued(['c', "b'); DROP TABLE task_history; --"])).map((r) => r.id)).toEqual([other.id, third.id]);
      expect(await store.listQueued([])).toEqual([]);
      expect(await store.listQueued(['nobody'])).toEqual([]);
      const counts = await store.counts();
      expect(Object.keys(counts).sort()).toEqual([...TASK_STATUSES].sort());
      expect(counts).toMatchObject({ queued: 4, running: 1, succeeded: 0 });
      await store.close();
    });

    it('crashes running rows and lists crashed and shutdown-cancelled rows for retry, once each', async () => {
      const store = await open();
      const crashed = await running(store);
      const shut = await running(store);
      await store.finish(shut.id, { status: 'cancelled', reason: 'shutdown', exitCode: null });
      const user = await running(store);
      await store.finish(user.id, { status: 'cancelled', reason: 'user', exitCode: null });
      expect(await store.crashRunning()).toEqual([crashed.id]);
      expect(await store.get(crashed.id)).toMatchObject({ status: 'crashed', reason: 'crash' });
      expect((await store.listRetryable()).map((r) => r.id)).toEqual([crashed.id, shut.id]);
      const { row: next, duplicate } = await store.retry(shut);
      expect(duplicate).toBe(false);
      expect(next).toMatchObject({ status: 'queued', attempt: 2, retry_of: shut.id, root_id: shut.id, agent: shut.agent });
      expect(await store.retry(shut)).toEqual({ row: next, duplicate: true });
      expect(await store.get(shut.id)).toMatchObject({ retried_as: next.id });
      expect((await store.listRetryable()).map((r) => r.id)).toEqual([crashed.id]);
      expect(await store.crashRunning()).toEqual([]);
      await store.close();
    });

    it('syncs the agents table, bumps updated_at only on a spec change, and fails queued tasks of removed agents', async () => {
      const store = await open();
      const gone = (await store.enqueue({ agent: 'old-agent', payload: 1 })).row;
      const kept = (await store.enqueue({ agent: 'dev-2', payload: 1 })).row;
      const first = await store.syncAgents([
        { name: 'dev-default', type: 'dev', mode: 'process', spec: 's1' },
        { name: 'dev-2', type: 'dev', mode: 'container', spec: 's1' },
      ]);
      expect(first.agents.map((a) => [a.name, a.mode])).toEqual([
        ['dev-2', 'container'],
        ['dev-default', 'process'],
      ]);
      expect(first.orphaned).toEqual([gone.id]);
      expect(await store.get(gone.id)).toMatchObject({ status: 'failed', reason: 'unknown-agent' });
      expect(await store.get(kept.id)).toMatchObject({ status: 'queued' });
      const again = await store.syncAgents([{ name: 'dev-2', type: 'dev', mode: 'container', spec: 's1' }]);
      expect(again.agents.map((a) => a.name)).toEqual(['dev-2']);
      expect(again.agents[0]?.updated_at).toBe(first.agents[0]?.updated_at);
      expect(await store.listAgents()).toEqual(again.agents);
      await store.close();
    });

    it('pages every task newest first, a page at a time, and filters by one or more statuses', async () => {
      const store = await open();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await store.enqueue({ agent: 'a', payload: i })).row.id);
      await store.claim(ids[1] ?? '');
      await store.claim(ids[3] ?? '');
      await store.finish(ids[3] ?? '', { status: 'succeeded', reason: null, exitCode: 0 });
      const first = await store.page({ limit: 2 });
      expect(first.rows.map((r) => r.id)).toEqual([ids[4], ids[3]]);
      expect(first.nextBefore).toBe(first.rows[1]?.seq);
      const second = await store.page({ limit: 2, before: first.nextBefore ?? 0 });
      expect(second.rows.map((r) => r.id)).toEqual([ids[2], ids[1]]);
      const last = await store.page({ limit: 2, before: second.nextBefore ?? 0 });
      expect(last).toEqual({ rows: [expect.objectContaining({ id: ids[0] })], nextBefore: null });
      expect((await store.page({ limit: 5 })).nextBefore).toBeNull();
      expect((await store.page({ limit: 10, statuses: ['queued'] })).rows.map((r) => r.id)).toEqual([ids[4], ids[2], ids[0]]);
      expect((await store.page({ limit: 10, statuses: ['running', 'succeeded'] })).rows.map((r) => r.id)).toEqual([ids[3], ids[1]]);
      expect((await store.page({ limit: 10, statuses: [] })).rows).toHaveLength(5);
      const other = (await store.enqueue({ agent: 'b', payload: 'b' })).row.id;
      expect((await store.page({ limit: 10, agent: 'b' })).rows.map((r) => r.id)).toEqual([other]);
      const ofA = await store.page({ limit: 2, agent: 'a', statuses: ['queued'] });
      expect(ofA.rows.map((r) => r.id)).toEqual([ids[4], ids[2]]);
      expect((await store.page({ limit: 2, agent: 'a', statuses: ['queued'], before: ofA.nextBefore ?? 0 })).rows.map((r) => r.id)).toEqual(
        [ids[0]],
      );
      expect((await store.page({ limit: 10, agent: 'nobody' })).rows).toEqual([]);
      await expect(store.page({ limit: 0 })).rejects.toMatchObject({ code: 'hooks.store.bad_page' });
      await store.close();
    });

    it('exhausts only a retryable last attempt, and lists every attempt of a task', async () => {
      const store = await open();
      const first = await running(store);
      await store.finish(first.id, { status: 'cancelled', reason: 'shutdown', exitCode: null });
      const { row: second } = await store.retry(first);
      await store.claim(second.id);
      await store.finish(second.id, { status: 'cancelled', reason: 'shutdown', exitCode: null });
      expect(await store.exhaust(first.id)).toBe(false);
      expect(await store.exhaust(second.id)).toBe(true);
      expect(await store.exhaust(second.id)).toBe(false);
      expect(await store.get(second.id)).toMatchObject({ status: 'failed', reason: 'attempts-exhausted' });
      expect(await store.listRetryable()).toEqual([]);
      expect((await store.attempts(first.id)).map((r) => [r.attempt, r.status])).toEqual([
        [1, 'cancelled'],
        [2, 'failed'],
      ]);
      const done = await running(store);
      await store.finish(done.id, { status: 'succeeded', reason: null, exitCode: 0 });
      expect(await store.exhaust(done.id)).toBe(false);
      await store.close();
    });

    it('logs events with increasing ids and reads them back after an id', async () => {
      const store = await open();
      const a = await store.appendEvent('task_queued', { type: 'task_queued', id: 't1', text: 'line\nbreak' });
      const b = await store.appendEvent('service_ready', { type: 'service_ready' });
      expect(b.id).toBeGreaterThan(a.id);
      expect(await store.eventsAfter(a.id - 1, 10)).toEqual([a, b]);
      expect(await store.eventsAfter(a.id, 10)).toEqual([b]);
      expect(await store.eventsAfter(a.id - 1, 1)).toEqual([a]);
      expect(await store.eventsAfter(b.id, 10)).toEqual([]);
      await store.close();
    });

    it('events appended at once get ids in call order, and are read back in that order', async () => {
      const store = await open();
      const logged = await Promise.all(Array.from({ length: 30 }, (_, n) => store.appendEvent('task_started', { n })));
      const ids = logged.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(new Set(ids).size).toBe(30);
      expect((await store.eventsAfter((ids[0] ?? 0) - 1, 100)).map((e) => e.data['n'])).toEqual(logged.map((_, n) => n));
      await store.close();
    });

    it('a claim records the host and bumps the fence; renew and finish need the current fence', async () => {
      const store = await open();
      const { row } = await store.enqueue({ agent: 'a', payload: 1 });
      expect(row).toMatchObject({ host: null, fence: 0 });
      const claimed = await store.claim(row.id);
      expect(claimed).toMatchObject({ host: 'local', fence: 1, status: 'running' });
      expect(await store.renew(row.id, 1)).toBe(true);
      expect(await store.renew(row.id, 2)).toBe(false);
      expect(await store.renew('no-such-task', 1)).toBe(false);
      // A live lease is never reclaimed (SQLite: no lease ever is).
      expect(await store.reclaimExpired()).toEqual([]);
      expect(await store.finish(row.id, { status: 'succeeded', reason: null, exitCode: 0 }, 2)).toBe(false);
      expect(await store.get(row.id)).toMatchObject({ status: 'running' });
      expect(await store.finish(row.id, { status: 'succeeded', reason: null, exitCode: 0 }, 1)).toBe(true);
      expect(await store.renew(row.id, 1)).toBe(false);
      await store.close();
    });

    it('lists the leftovers of this host, records its heartbeat, and subscribes to queued tasks', async () => {
      const store = await open();
      const live = await running(store);
      const done = await running(store);
      await store.finish(done.id, { status: 'succeeded', reason: null, exitCode: 0 });
      expect((await store.leftovers()).map((r) => r.id)).toEqual([live.id]);
      expect(await store.hosts()).toEqual([]);
      await store.heartbeat();
      expect((await store.hosts()).map((h) => h.id)).toEqual(['local']);
      const unsubscribe = await store.watchQueued(() => {});
      await unsubscribe();
      await unsubscribe();
      await store.close();
    });

    it('marks a cancel on a running row only, tells this host, lists its marked runs, and never retries a marked crash', async () => {
      const store = await open();
      let told = 0;
      const unwatch = await store.watchCancels(() => void (told += 1));
      const live = await running(store);
      const queued = (await store.enqueue({ agent: 'a', payload: 1 })).row;
      expect(live.cancel_requested).toBeNull();
      expect(await store.requestCancel(queued.id, 'user')).toBe(false);
      expect(await store.requestCancel('no-such-task', 'user')).toBe(false);
      expect(await store.cancelRequests()).toEqual([]);
      expect(await store.requestCancel(live.id, 'user')).toBe(true);
      expect(await store.requestCancel(live.id, 'other')).toBe(true);
      // PostgreSQL delivers the NOTIFY after the commit, over its own connection.
      for (let i = 0; i < 100 && told < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(told).toBe(2);
      expect(await store.cancelRequests()).toMatchObject([{ id: live.id, status: 'running', cancel_requested: 'user' }]);
      expect(await store.get(queued.id)).toMatchObject({ status: 'queued', cancel_requested: null });
      await store.crashRunning();
      expect(await store.get(live.id)).toMatchObject({ status: 'crashed', cancel_requested: 'user' });
      expect(await store.listRetryable()).toEqual([]);
      expect(await store.exhaust(live.id)).toBe(false);
      expect(await store.requestCancel(live.id, 'user')).toBe(false);
      await unwatch();
      await unwatch();
      const ended = await running(store);
      await store.requestCancel(ended.id, 'user');
      await store.finish(ended.id, { status: 'cancelled', reason: 'user', exitCode: null });
      expect(await store.cancelRequests()).toEqual([]);
      await new Promise((r) => setTimeout(r, 100));
      expect(told).toBe(2);
      await store.close();
    });

    it('answers ping, compacts in both modes, and closes idempotently', async () => {
      const store = await open();
      expect(await store.ping()).toBe(true);
      await store.compact('idle');
      await store.compact('full');
      await store.close();
      await store.close();
    });
  });
}
