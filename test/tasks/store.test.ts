// The task store over SQLite: the port's contract, plus what only the SQLite backend does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recoverAtBoot } from '../../src/tasks/recovery.js';
import { openSqliteStore } from '../../src/tasks/sqlite/store.js';
import { openDatabase } from '../../src/tasks/sqlite/db.js';
import { MIGRATIONS } from '../../src/tasks/sqlite/migrations.js';
import { openTaskStore } from '../../src/tasks/open-store.js';
import { systemClock } from '../../src/runtime.js';
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

  it('refuses a URL it has no backend for, without echoing a password', async () => {
    const error = await openTaskStore('postgres://u:secret@db/hooks', systemClock).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'hooks.store.open', exitCode: 78 });
    expect((error as Error).message).not.toContain('secret');
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
    const report = await recoverAtBoot(store, { requeue: true });
    expect(report.crashed).toEqual([a.id]);
    expect(report.requeued.map(([old]) => old)).toEqual([a.id, b.id]);
    expect(await store.list('running')).toEqual([]);
    expect((await recoverAtBoot(store, { requeue: true })).requeued).toEqual([]);
  });

  it('without requeue leaves crashed rows alone', async () => {
    const store = await openSqliteStore(':memory:', systemClock);
    const r = (await store.enqueue({ agent: 'a', payload: 1 })).row;
    await store.claim(r.id);
    expect(await recoverAtBoot(store, { requeue: false })).toEqual({ crashed: [r.id], requeued: [] });
    expect(await store.counts()).toMatchObject({ crashed: 1, queued: 0, running: 0 });
  });
});
