// Task store, recovery and agents table over a real (in-memory) SQLite database.
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/tasks/db.js';
import { MIGRATIONS } from '../../src/tasks/migrations.js';
import { createTaskStore } from '../../src/tasks/store.js';
import { recoverAtBoot } from '../../src/tasks/recovery.js';
import { syncAgents } from '../../src/tasks/agents.js';
import { listInstances } from '../../src/config/instances.js';
import { loadConfig } from '../../src/config/load.js';
import { systemClock } from '../../src/runtime.js';
import { errorCode } from '../harness/scratch.js';

async function fresh() {
  const db = await openDatabase(':memory:');
  return { db, store: createTaskStore(db, systemClock) };
}

describe('task store', () => {
  it('enqueues, runs and finishes a task with the public fields', async () => {
    const { store } = await fresh();
    const { row } = store.enqueue({ agent: 'dev-default', payload: { a: 1 } });
    expect(row).toMatchObject({ status: 'queued', attempt: 1, agent: 'dev-default' });
    expect(store.markRunning(row.id, 42, 7)).toBe(true);
    expect(store.markRunning(row.id, 42, 7)).toBe(false);
    expect(store.finish(row.id, { status: 'succeeded', reason: null, exitCode: 0 })).toBe(true);
    expect(store.finish(row.id, { status: 'failed', reason: 'x', exitCode: 1 })).toBe(false);
    expect(store.get(row.id)).toMatchObject({ status: 'succeeded', exit_code: 0, pid: 42 });
  });

  it('returns the same row for a replayed dedupe key', async () => {
    const { store } = await fresh();
    const a = store.enqueue({ agent: 'x', payload: 1, dedupeKey: 'k' });
    const b = store.enqueue({ agent: 'x', payload: 2, dedupeKey: 'k' });
    expect(b).toEqual({ row: a.row, duplicate: true });
  });

  it('recovery marks running rows crashed and requeues crashed and shutdown-cancelled tasks once', async () => {
    const { db, store } = await fresh();
    const running = store.enqueue({ agent: 'a', payload: 1 }).row;
    store.markRunning(running.id, 1, 1);
    const shut = store.enqueue({ agent: 'a', payload: 2 }).row;
    store.markRunning(shut.id, 2, 2);
    store.finish(shut.id, { status: 'cancelled', reason: 'shutdown', exitCode: null });
    const user = store.enqueue({ agent: 'a', payload: 3 }).row;
    store.markRunning(user.id, 3, 3);
    store.finish(user.id, { status: 'cancelled', reason: 'user', exitCode: null });
    const report = recoverAtBoot(db, store, { requeue: true, now: new Date().toISOString() });
    expect(report.crashed).toEqual([running.id]);
    expect(report.requeued.map(([old]) => old).sort()).toEqual([running.id, shut.id].sort());
    expect(store.list('running')).toEqual([]);
    const retry = store.get(report.requeued.find(([old]) => old === shut.id)?.[1] ?? '');
    expect(retry).toMatchObject({ status: 'queued', attempt: 2, retry_of: shut.id, root_id: shut.id });
    expect(store.get(shut.id)).toMatchObject({ status: 'cancelled', reason: 'shutdown', retried_as: retry?.id });
    expect(recoverAtBoot(db, store, { requeue: true, now: 'x' }).requeued).toEqual([]);
  });

  it('recovery without requeue leaves crashed rows alone', async () => {
    const { db, store } = await fresh();
    const r = store.enqueue({ agent: 'a', payload: 1 }).row;
    store.markRunning(r.id, 1, 1);
    expect(recoverAtBoot(db, store, { requeue: false, now: 'x' })).toEqual({ crashed: [r.id], requeued: [] });
    expect(store.counts()).toMatchObject({ crashed: 1, queued: 0, running: 0 });
  });

  it('page lists every task newest first, a page at a time, and filters by one or more statuses', async () => {
    const { store } = await fresh();
    const ids = Array.from({ length: 5 }, (_, i) => store.enqueue({ agent: 'a', payload: i }).row.id);
    store.markRunning(ids[1] ?? '', 1, 1);
    store.markRunning(ids[3] ?? '', 3, 3);
    store.finish(ids[3] ?? '', { status: 'succeeded', reason: null, exitCode: 0 });
    const first = store.page({ limit: 2 });
    expect(first.rows.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    expect(first.nextBefore).toBe(first.rows[1]?.seq);
    const second = store.page({ limit: 2, before: first.nextBefore ?? 0 });
    expect(second.rows.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const last = store.page({ limit: 2, before: second.nextBefore ?? 0 });
    expect(last).toEqual({ rows: [expect.objectContaining({ id: ids[0] })], nextBefore: null });
    expect(store.page({ limit: 5 }).nextBefore).toBeNull();
    expect(store.page({ limit: 10, statuses: ['queued'] }).rows.map((r) => r.id)).toEqual([ids[4], ids[2], ids[0]]);
    expect(store.page({ limit: 10, statuses: ['running', 'succeeded'] }).rows.map((r) => r.id)).toEqual([ids[3], ids[1]]);
    expect(store.page({ limit: 10, statuses: [] }).rows).toHaveLength(5);
    expect(errorCode(() => store.page({ limit: 0 }))).toBe('hooks.store.bad_page');
  });

  it('the seq index (migration v2) is unique, and the page queries use the seq indexes', async () => {
    const { db, store } = await fresh();
    const { row } = store.enqueue({ agent: 'a', payload: 1 });
    expect(() => db.prepare("INSERT INTO task_history (id, root_id, agent, payload, status, seq, created_at) VALUES ('x', 'x', 'a', '1', 'queued', ?, 'now')").run(row.seq)).toThrow(/UNIQUE/);
    const plan = (sql: string, ...params: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan('SELECT * FROM task_history WHERE seq < ? ORDER BY seq DESC LIMIT ?', 9, 2)).toContain('USING INDEX task_history_seq');
    expect(plan('SELECT * FROM task_history WHERE status IN (?) ORDER BY seq DESC LIMIT ?', 'queued', 2)).toContain('USING INDEX task_history_status_seq');
  });

  it('a v1 store with rows migrates to the seq indexes and pages', async () => {
    const { default: Sqlite } = await import('better-sqlite3');
    const db = new Sqlite(':memory:');
    db.exec(MIGRATIONS[0] ?? '');
    db.pragma('user_version = 1');
    for (const seq of [1, 2, 3]) db.prepare("INSERT INTO task_history (id, root_id, agent, payload, status, seq, created_at) VALUES (?, ?, 'a', '1', 'queued', ?, 'then')").run(`t${seq}`, `t${seq}`, seq);
    migrate(db);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'task_history_%seq'").all()).toHaveLength(2);
    expect(createTaskStore(db, systemClock).page({ limit: 2 })).toMatchObject({ rows: [{ id: 't3' }, { id: 't2' }], nextBefore: 2 });
  });

  it('syncs the agents table from config and fails queued tasks of removed agents', async () => {
    const { db, store } = await fresh();
    const { config } = loadConfig({ env: {}, cwd: '/', execPath: '/usr/bin/node', exists: () => false });
    const gone = store.enqueue({ agent: 'old-agent', payload: 1 }).row;
    const { agents, orphaned } = syncAgents(db, listInstances(config), new Date().toISOString());
    expect(agents.map((a) => a.name)).toEqual(['dev-2', 'dev-default']);
    expect(orphaned).toEqual([gone.id]);
    expect(store.get(gone.id)).toMatchObject({ status: 'failed', reason: 'unknown-agent' });
  });
});
