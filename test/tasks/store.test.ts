// The task store over SQLite: the port's contract, plus what only the SQLite backend does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recoverAtBoot } from '../../src/tasks/recovery.js';
import { openSqliteStore } from '../../src/tasks/sqlite/store.js';
import { migrate, openDatabase } from '../../src/tasks/sqlite/db.js';
import { createSqliteStore } from '../../src/tasks/sqlite/store.js';
import { MIGRATIONS } from '../../src/tasks/sqlite/migrations.js';
import { openTaskStore } from '../../src/tasks/open-store.js';
import { systemClock } from '../../src/runtime.js';
import type { HooksError } from '../../src/errors.js';
import { describeTaskStore } from './store-contract.js';

describeTaskStore('sqlite :memory:', () => openSqliteStore(':memory:', systemClock));

describe('sqlite store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hooks-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps rows across a close and reopen of the same file', async () => {
    const path = join(dir, 'a', 'hooks.db');
    const first = await openSqliteStore(path, systemClock);
    const { row } = await first.enqueue({ agent: 'a', payload: { x: 1 } });
    await first.close();
    const second = await openTaskStore(path, systemClock);
    expect(await second.get(row.id)).toMatchObject({ status: 'queued' });
    await second.close();
  });

  it('refuses a schema newer than it knows (exit 78)', async () => {
    const path = join(dir, 'new.db');
    const db = await openDatabase(path);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    await expect(openSqliteStore(path, systemClock)).rejects.toMatchObject({ code: 'hooks.store.too_new', exitCode: 78 });
  });

  it('the seq index (migration v2) is unique, and the page queries use the seq indexes', async () => {
    const db = await openDatabase(':memory:');
    const store = createSqliteStore(db, systemClock);
    const { row } = await store.enqueue({ agent: 'a', payload: 1 });
    expect(() =>
      db
        .prepare(
          "INSERT INTO task_history (id, root_id, agent, payload, status, seq, created_at) VALUES ('x', 'x', 'a', '1', 'queued', ?, 'now')",
        )
        .run(row.seq),
    ).toThrow(/UNIQUE/);
    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan('SELECT * FROM task_history WHERE seq < ? ORDER BY seq DESC LIMIT ?', 9, 2)).toContain('USING INDEX task_history_seq');
    expect(plan('SELECT * FROM task_history WHERE status IN (?) ORDER BY seq DESC LIMIT ?', 'queued', 2)).toContain(
      'USING INDEX task_history_status_seq',
    );
  });

  it('a v1 store with rows migrates to the seq indexes and pages', async () => {
    const { default: Sqlite } = await import('better-sqlite3');
    const db = new Sqlite(':memory:');
    db.exec(MIGRATIONS[0] ?? '');
    db.pragma('user_version = 1');
    for (const seq of [1, 2, 3])
      db.prepare(
        "INSERT INTO task_history (id, root_id, agent, payload, status, seq, created_at) VALUES (?, ?, 'a', '1', 'queued', ?, 'then')",
      ).run(`t${seq}`, `t${seq}`, seq);
    migrate(db);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'task_history_%seq'").all()).toHaveLength(2);
    expect(await createSqliteStore(db, systemClock).page({ limit: 2 })).toMatchObject({
      rows: [{ id: 't3', host: null, fence: 0 }, { id: 't2' }],
      nextBefore: 2,
    });
  });

  it('refuses a URL with a password in it (exit 78, naming service.db) without echoing the password', async () => {
    const error = (await openTaskStore('postgres://u:secret@db/hooks', systemClock).catch((e: unknown) => e)) as HooksError;
    expect(error).toMatchObject({ code: 'hooks.config.invalid', exitCode: 78, details: { path: 'service.db' } });
    expect(error.message).toContain('service.db');
    expect(error.message).not.toContain('secret');
    await expect(openTaskStore('postgres://db/hooks?password=secret', systemClock)).rejects.toMatchObject({ exitCode: 78 });
  });

  it('refuses a URL of another engine (exit 78)', async () => {
    await expect(openTaskStore('mysql://db/hooks', systemClock)).rejects.toMatchObject({ code: 'hooks.config.invalid', exitCode: 78 });
  });

  it('a PostgreSQL that does not answer is exit 69 (unavailable)', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    await expect(openTaskStore('postgres://hooks@127.0.0.1:1/hooks', systemClock)).rejects.toMatchObject({
      code: 'hooks.store.open',
      exitCode: 69,
    });
  });
});

describe('recoverAtBoot', () => {
  it('crashes running rows and, with requeue, queues each crashed or shutdown-cancelled task once', async () => {
    const store = await openSqliteStore(':memory:', systemClock);
    const a = (await store.enqueue({ agent: 'a', payload: 1 })).row;
    await store.claim(a.id);
    const b = (await store.enqueue({ agent: 'a', payload: 2 })).row;
    await store.claim(b.id);
    await store.finish(b.id, { status: 'cancelled', reason: 'shutdown', exitCode: null });
    const announced: string[] = [];
    const report = await recoverAtBoot(store, { requeue: true, maxAttempts: 3, onRequeued: (row) => void announced.push(row.id) });
    expect(report.crashed).toEqual([a.id]);
    expect(report.requeued.map(([old]) => old)).toEqual([a.id, b.id]);
    // Each new attempt is told as it is queued, once.
    expect(announced).toEqual(report.requeued.map(([, fresh]) => fresh));
    expect(await store.list('running')).toEqual([]);
    expect((await recoverAtBoot(store, { requeue: true, maxAttempts: 3 })).requeued).toEqual([]);
  });

  it('re-queues a task until it has run max_attempts times, then ends it failed/attempts-exhausted', async () => {
    const store = await openSqliteStore(':memory:', systemClock);
    const first = (await store.enqueue({ agent: 'a', payload: 1 })).row;
    let current = first.id;
    for (let attempt = 1; attempt <= 3; attempt++) {
      await store.claim(current);
      await store.finish(current, { status: 'cancelled', reason: 'shutdown', exitCode: null });
      const report = await recoverAtBoot(store, { requeue: true, maxAttempts: 3 });
      if (attempt < 3) {
        expect(report.exhausted).toEqual([]);
        expect(report.requeued).toHaveLength(1);
        current = report.requeued[0]?.[1] ?? '';
      } else {
        expect(report).toEqual({ crashed: [], requeued: [], exhausted: [current] });
      }
    }
    expect(await store.get(current)).toMatchObject({ status: 'failed', reason: 'attempts-exhausted', attempt: 3 });
    expect(await recoverAtBoot(store, { requeue: true, maxAttempts: 3 })).toEqual({ crashed: [], requeued: [], exhausted: [] });
  });

  it('max_attempts 1 never re-queues; a crash counts as an attempt', async () => {
    const store = await openSqliteStore(':memory:', systemClock);
    const r = (await store.enqueue({ agent: 'a', payload: 1 })).row;
    await store.claim(r.id);
    expect(await recoverAtBoot(store, { requeue: true, maxAttempts: 1 })).toEqual({ crashed: [r.id], requeued: [], exhausted: [r.id] });
  });

  it('without requeue leaves crashed rows alone', async () => {
    const store = await openSqliteStore(':memory:', systemClock);
    const r = (await store.enqueue({ agent: 'a', payload: 1 })).row;
    await store.claim(r.id);
    expect(await recoverAtBoot(store, { requeue: false, maxAttempts: 3 })).toEqual({ crashed: [r.id], requeued: [], exhausted: [] });
    expect(await store.counts()).toMatchObject({ crashed: 1, queued: 0, running: 0 });
  });
});
