// LISTEN survives a lost connection: two serve hosts on one real PostgreSQL, with a host loop
// so slow (every 5 min) that only a NOTIFY, or the re-read after LISTEN is back, can start a task
// during the test. Host B's LISTEN backend terminated, the server restarted: B reconnects, and a
// task queued on A for B's instance starts on B within a second or two; a wake-up missed while B
// could not connect is caught by the re-read on reconnect. B never crashes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { waitFor, waitForTask } from '../harness/serve.js';
import { isRunning, startHostPair, type ServeHost } from '../harness/serve-process.js';
import { fixture } from '../harness/processes.js';
import { CANCEL_CHANNEL, QUEUED_CHANNEL } from '../../src/tasks/postgres/migrations.js';

const AGENT = fixture('lease-agent.mjs');
// The host loop (heartbeat, reclaim, the safety-net queue read) runs every lease_renew_ms: never during this test.
const SLOW_LOOP = { lease_ms: 600_000, lease_renew_ms: 300_000 };
// Well under the 5 s default re-read, and far under this test's 5 min one.
const PROMPT_MS = 2_000;

describe('LISTEN across a lost database connection', () => {
  let pg: PostgresServer;
  let dir = '';
  let dbName = '';
  const hosts: ServeHost[] = [];
  const a = () => hosts[0] as ServeHost;
  const b = () => hosts[1] as ServeHost;

  beforeAll(async () => {
    pg = await startPostgres();
    const url = pg.createDatabase('listen_again');
    dbName = new URL(url).pathname.slice(1);
    // B connects as its own role, so the test can terminate B's backends and refuse B's logins alone.
    pg.psql('CREATE ROLE host_b LOGIN SUPERUSER');
    dir = mkdtempSync(join(tmpdir(), 'hooks-listen-again-'));
    const db = { 'host-a': url, 'host-b': url.replace('//postgres@', '//host_b@') };
    hosts.push(...(await startHostPair({ dir, prefix: 'listen', db, agent: AGENT, service: SLOW_LOOP })));
  }, 60_000);

  afterAll(() => {
    for (const h of hosts) h.proc?.kill('SIGKILL');
    pg?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  // A task for B's instance, posted to A; it finishes at once (its marker is already there).
  const post = async (): Promise<string> => {
    const work = mkdtempSync(join(dir, 'task-'));
    writeFileSync(join(work, 'first'), 'earlier');
    const r = await a().http.post('/task', { agent: 'on-b', payload: { dir: work, long_ms: 0 } });
    expect(r.status).toBe(202);
    return String(r.json['id']);
  };
  const succeeded = (id: string, timeoutMs: number) => waitForTask(a().http, id, 'succeeded', { timeoutMs, everyMs: 50 });
  // B's LISTEN connections, one per channel (queued tasks, cancel marks).
  const backendsOfB = () =>
    pg
      .psql(`SELECT query FROM pg_stat_activity WHERE usename = 'host_b' AND datname = '${dbName}' AND query LIKE 'LISTEN%' ORDER BY query`)
      .trim();
  const LISTENING = [`LISTEN ${CANCEL_CHANNEL}`, `LISTEN ${QUEUED_CHANNEL}`].sort().join('\n');
  const resumedOnB = () => waitFor('B to say LISTEN is back', async () => b().log.includes('LISTEN re-established'), 20_000, 50);

  it('a NOTIFY wakes B at once, with the queue re-read out of the picture', async () => {
    const t0 = Date.now();
    const done = await succeeded(await post(), PROMPT_MS + 3_000);
    expect(done['host']).toBe('host-b');
    expect(Date.now() - t0).toBeLessThan(PROMPT_MS);
  });

  it("B's LISTEN backend terminated: B listens again and the next NOTIFY wakes it promptly", async () => {
    expect(backendsOfB()).toBe(LISTENING);
    b().log = '';
    pg.psql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'host_b' AND query LIKE 'LISTEN%'`);
    await waitFor('B to report the lost LISTEN', async () => b().log.includes('LISTEN connection lost'), 10_000, 50);
    await resumedOnB();
    expect(backendsOfB()).toBe(LISTENING);
    const t0 = Date.now();
    const done = await succeeded(await post(), PROMPT_MS + 3_000);
    expect(Date.now() - t0).toBeLessThan(PROMPT_MS);
    expect(done['host']).toBe('host-b');
    expect(isRunning(b())).toBe(true);
  });

  it('a wake-up missed while B cannot connect is caught by the re-read when LISTEN is back', async () => {
    b().log = '';
    pg.psql('ALTER ROLE host_b NOLOGIN');
    pg.psql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'host_b'`);
    await waitFor('B to fail to LISTEN again', async () => b().log.includes('could not LISTEN again'), 10_000, 50);
    // Queued (and NOTIFY sent) while B hears nothing: the task waits.
    const id = await post();
    await sleep(1_500);
    expect((await a().http.task(id))['status']).toBe('queued');
    pg.psql('ALTER ROLE host_b LOGIN');
    const t0 = Date.now();
    await resumedOnB();
    // The next try comes within the backoff's cap (5 s); then the re-read starts the task.
    await succeeded(id, 10_000);
    expect(Date.now() - t0).toBeLessThan(5_000 + PROMPT_MS);
    expect(isRunning(b())).toBe(true);
  });

  it('PostgreSQL restarted: B survives the outage, listens again, and the next NOTIFY wakes it promptly', async () => {
    b().log = '';
    pg.stop();
    await sleep(3_000);
    expect(isRunning(b())).toBe(true);
    // While the database is down B says its store is down, and stays up.
    const health = await b().http.get('/healthz');
    expect(health.status).toBe(503);
    expect(health.json['checks']).toMatchObject({ store: false });
    pg.start();
    await resumedOnB();
    const t0 = Date.now();
    const done = await succeeded(await post(), PROMPT_MS + 3_000);
    expect(Date.now() - t0).toBeLessThan(PROMPT_MS);
    expect(done['host']).toBe('host-b');
    expect(isRunning(a()) && isRunning(b())).toBe(true);
    expect((await b().http.get('/healthz')).status).toBe(200);
  });
});
