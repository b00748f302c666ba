// A network partition of one host: host B reaches the real PostgreSQL only through a TCP proxy,
// and the proxy is cut (open connections destroyed, new ones refused) for longer than the lease
// (4 s, renewed every 1 s) while B runs a task of its own instance. B does not crash and reports
// its store down; before its lease can run out (renewals failed for lease - renew) it stops the run
// (lease-lost), so it is not running when A reclaims the task at the lease's expiry and re-queues
// it for B. Whatever B would write for the old attempt is refused by fencing: it keeps what the
// reclaim wrote. When the proxy is restored, B runs the new attempt and takes new work, without a
// restart. Then the silent partition (the proxy stalls: packets dropped, nothing reset, so no
// renewal ever fails): B still stops its run before A reclaims, on the lease's own deadline.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/supervisor/proc.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { waitFor, waitForTask } from '../harness/serve.js';
import { isRunning, startHostPair, type ServeHost } from '../harness/serve-process.js';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy.js';
import { fixture } from '../harness/processes.js';

const AGENT = fixture('lease-agent.mjs');
const LEASE = { lease_ms: 4_000, lease_renew_ms: 1_000 };
// Longer than the lease, plus a host-loop round of A and some slack.
const CUT_MS = 8_000;

describe('a network partition of one host', () => {
  let pg: PostgresServer;
  let proxy: TcpProxy;
  let dir = '';
  const hosts: ServeHost[] = [];
  const strays: number[] = [];
  const a = () => hosts[0] as ServeHost;
  const b = () => hosts[1] as ServeHost;

  beforeAll(async () => {
    pg = await startPostgres();
    const url = pg.createDatabase('partition');
    proxy = await startTcpProxy({ host: '127.0.0.1', port: pg.port });
    dir = mkdtempSync(join(tmpdir(), 'hooks-partition-'));
    const db = { 'host-a': url, 'host-b': url.replace(`:${pg.port}/`, `:${proxy.port}/`) };
    hosts.push(...(await startHostPair({ dir, prefix: 'partition', db, agent: AGENT, service: LEASE })));
    expect(proxy.open()).toBeGreaterThan(0);
  }, 60_000);

  // A failed test must not leave B cut off for the next one.
  afterEach(async () => {
    proxy.unstall();
    await proxy.restore();
  });

  afterAll(async () => {
    for (const h of hosts) h.proc?.kill('SIGKILL');
    for (const pid of strays) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await proxy?.close();
    pg?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  // Post a 2-minute task to A for B's instance; resolves once its run is up on B.
  const startLongOnB = async (prefix: string) => {
    const work = mkdtempSync(join(dir, prefix));
    const posted = await a().http.post('/task', { agent: 'on-b', payload: { dir: work, long_ms: 120_000 } });
    expect(posted.status).toBe(202);
    const id = String(posted.json['id']);
    const first = await waitFor('the run to start on B', async () =>
      existsSync(join(work, 'first')) ? Number(readFileSync(join(work, 'first'), 'utf8')) : undefined,
    );
    strays.push(first);
    return { work, id, first };
  };

  // When B's SIGTERM reached the run (the agent's own wall clock), or undefined if it never did.
  const termAt = (work: string, id: string): number | undefined => {
    const line = readFileSync(join(work, 'runs'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('term ') && l.endsWith(` ${id}`));
    return line === undefined ? undefined : Number(line.split(' ')[2]);
  };

  // The run was stopped before A reclaimed the task: the SIGTERM reached it before the reclaim's
  // ended_at (both wall clocks of this machine), and it was gone by the time the test saw the
  // reclaim. This does not depend on how soon the test's own polling looked.
  const expectStoppedBeforeReclaim = (work: string, id: string, first: number, reclaimed: Record<string, unknown>) => {
    const reclaimedAt = Date.parse(String(reclaimed['ended_at']));
    const termedAt = termAt(work, id);
    const story = `SIGTERM at ${termedAt}, reclaimed at ${reclaimedAt}; B's log:\n${b().log}`;
    expect(termedAt, story).toBeDefined();
    expect(termedAt, story).toBeLessThan(reclaimedAt);
    expect(isAlive(first), story).toBe(false);
  };

  it('B cut off for longer than its lease: B stops its run, A reclaims, fencing keeps the reclaim, B recovers without a restart', async () => {
    const { work, id, first } = await startLongOnB('long-');
    expect(await a().http.task(id)).toMatchObject({ status: 'running', host: 'host-b' });
    const pidOfB = b().proc?.pid;

    b().log = '';
    await proxy.cut();
    const cutAt = Date.now();
    // When B stops its run, watched from the cut on.
    const stopped = waitFor('B to stop its run', async () => !isAlive(first), 15_000, 25).then(() => Date.now() - cutAt);
    // Awaited below; a failure before that must not leave its rejection unhandled.
    stopped.catch(() => undefined);
    // B stays up, and says its store is down.
    await sleep(1_500);
    expect(isRunning(b())).toBe(true);
    const health = await b().http.get('/healthz');
    expect(health.status).toBe(503);
    expect(health.json['checks']).toMatchObject({ store: false, event_loop: true, accepting: true });
    // A reclaims the task once the lease expires, and re-queues it for B's instance.
    const reclaimed = await waitForTask(a().http, id, 'crashed', { timeoutMs: LEASE.lease_ms + 10_000 });
    const reclaimMs = Date.now() - cutAt;
    expectStoppedBeforeReclaim(work, id, first, reclaimed);
    expect(reclaimMs).toBeLessThan(LEASE.lease_ms + 5_000);
    expect(reclaimed).toMatchObject({ reason: 'lease-expired', host: 'host-b', exit_code: null });
    // The re-queue follows the reclaim in the same host-loop round.
    const requeued = await waitForTask(a().http, id, 'crashed', { also: (t) => typeof t['retried_as'] === 'string' });
    const next = String(requeued['retried_as']);
    expect(await a().http.task(next)).toMatchObject({ status: 'queued', attempt: 2, retry_of: id });
    // B stopped its run on its own, while still cut off.
    const killedAfterMs = await stopped;
    expect(b().log).toContain('could not renew the lease');
    expect(b().log).toMatch(new RegExp(`task ${id}: its lease was not renewed for \\d+ ms and runs out within`));
    await sleep(Math.max(0, CUT_MS - (Date.now() - cutAt)));
    expect(isRunning(b())).toBe(true);

    await proxy.restore();
    // Nothing B wrote for the old attempt replaced the reclaim.
    expect(await a().http.task(id)).toMatchObject({
      status: 'crashed',
      reason: 'lease-expired',
      exit_code: null,
      ended_at: reclaimed['ended_at'],
    });
    // The new attempt runs on B, and B takes new work: no restart.
    const second = await waitForTask(a().http, next, 'succeeded');
    expect(second).toMatchObject({ host: 'host-b', attempt: 2 });
    const fresh = await b().http.post('/task', { agent: 'on-b', payload: { dir: work, long_ms: 0 } });
    expect(fresh.status).toBe(202);
    await waitForTask(b().http, String(fresh.json['id']), 'succeeded');
    expect((await b().http.get('/healthz')).status).toBe(200);
    expect(b().proc?.pid).toBe(pidOfB);
    expect(isRunning(b())).toBe(true);
    const runs = readFileSync(join(work, 'runs'), 'utf8').trim().split('\n');
    // The first run started and never finished; the second attempt and the new task each ran once.
    expect(runs.filter((l) => l.endsWith(` ${id}`))).toEqual([
      `start ${first} ${id}`,
      expect.stringMatching(new RegExp(`^term ${first} \\d+ ${id}$`)),
    ]);
    expect(runs.filter((l) => l.endsWith(` ${next}`)).map((l) => l.split(' ')[0])).toEqual(['start', 'done']);
    console.log(
      `partition of ${CUT_MS} ms: reclaimed by A after ${reclaimMs} ms (lease ${LEASE.lease_ms} ms); B stopped its run ${killedAfterMs} ms after the cut`,
    );
  }, 90_000);

  it('B silently partitioned (packets dropped, nothing reset): B stops its run on its own timer before A reclaims; after, B runs the new attempt', async () => {
    const { work, id, first } = await startLongOnB('silent-');
    b().log = '';
    proxy.stall();
    const stalledAt = Date.now();
    // No renewal ever fails (none answers): B stops the run on the lease's own deadline.
    const stopped = waitFor('B to stop its run', async () => !isAlive(first), 15_000, 25).then(() => Date.now() - stalledAt);
    // Awaited below; a failure before that must not leave its rejection unhandled.
    stopped.catch(() => undefined);
    await sleep(1_500);
    // /healthz answers (its store ping is time-boxed), and says the store is down.
    const health = await b().http.get('/healthz');
    expect(health.status).toBe(503);
    expect(health.json['checks']).toMatchObject({ store: false, event_loop: true });
    const reclaimed = await waitForTask(a().http, id, 'crashed', {
      timeoutMs: LEASE.lease_ms + 10_000,
      also: (t) => typeof t['retried_as'] === 'string',
    });
    const reclaimMs = Date.now() - stalledAt;
    expectStoppedBeforeReclaim(work, id, first, reclaimed);
    const killedAfterMs = await stopped;
    expect(b().log).toMatch(new RegExp(`task ${id}: its lease was not renewed for \\d+ ms and runs out within`));
    expect(isRunning(b())).toBe(true);
    proxy.unstall();
    const second = await waitForTask(a().http, String(reclaimed['retried_as']), 'succeeded', { timeoutMs: 30_000 });
    expect(second).toMatchObject({ host: 'host-b', attempt: 2 });
    expect(isRunning(b())).toBe(true);
    console.log(`silent partition: B stopped its run ${killedAfterMs} ms after the stall; A reclaimed after ${reclaimMs} ms`);
  }, 90_000);
});
