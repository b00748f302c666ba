// Two hosts as systemd units: two `hooksctl serve` instances with different host ids, each
// installed with `install-unit --user` into the real systemd --user sandbox (socket activation,
// KillMode=mixed), share one real PostgreSQL. Intake sent to host A for an instance of host B runs
// on B; a constant intake spread over both hosts across 10 restarts of each (alternating) loses
// nothing: 0 refused, 0 reset, 0 answered 503, and every accepted task ends succeeded (following
// retried_as for the tasks a drain re-queued). The test prints its counts. Then B's unit is
// SIGKILLed mid-task (Restart=no): A reclaims the task within lease + 5 s (lease 4 s, renewed
// every 1 s) and runs it, and when B's unit starts again no run of that task is repeated. Last,
// PostgreSQL is stopped for longer than the lease and the watchdog (3 s): both units stay up
// (the watchdog does not count a remote store), report the store down, and work again after.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';
import { client, freePort, installUnit, uniqueName, waitFor, waitForTask, writeServeConfig } from '../harness/serve.js';
import { countOutcomes, lastAttempts, postFresh, type Outcome } from '../harness/intake-load.js';
import { fixture } from '../harness/processes.js';
import { isAlive } from '../../src/supervisor/proc.js';

const AGENT = fixture('soak-agent.mjs');
const LEASE_AGENT = fixture('lease-agent.mjs');
const LEASE = { lease_ms: 4_000, lease_renew_ms: 1_000 };
const RESTARTS_EACH = 10;
const RATE_PER_S = 4;
// Every instance of the pool, and who runs it: `soak-default` names no host (either may run it).
const POOL = [
  { name: 'a-1', type: 'soak', host: 'host-a' },
  { name: 'a-2', type: 'soak', host: 'host-a' },
  { name: 'b-1', type: 'soak', host: 'host-b' },
  { name: 'b-2', type: 'soak', host: 'host-b' },
];
const AGENTS = ['soak-default', ...POOL.map((p) => p.name)];

/** One host as a unit pair (`.socket` + `.service`). */
interface UnitHost {
  id: string;
  name: string;
  service: string;
  socket: string;
  port: number;
  http: ReturnType<typeof client>;
}

let sb: SystemdSandbox;
let pg: PostgresServer;
let shared = '';
const hosts: UnitHost[] = [];
const a = () => hosts[0] as UnitHost;
const b = () => hosts[1] as UnitHost;

// Write host `id`'s config (the one pool, its own name, port and host id), install its units and start them.
async function deployHost(id: string, db: string): Promise<UnitHost> {
  const name = uniqueName(`hk-${id}`);
  const port = await freePort();
  const dir = join(sb.workDir, name);
  const config = writeServeConfig(dir, {
    service: { name, port, db, host_id: id, data_dir: join(dir, 'data'), ...LEASE },
    shutdown: { drain_ms: 1000, abort_grace_ms: 1000, cleanup_ms: 1000, margin_ms: 1000, max_attempts: 20 },
    unit: { restart: 'no', watchdog_sec: '3s' },
    types: {
      soak: { mode: 'process', command: [process.execPath, AGENT], env: { SOAK_LOG: join(shared, 'soak.log') }, writable: [shared] },
      // Its one instance, `lease-default`, names no host: either host may run it.
      lease: { mode: 'process', command: [process.execPath, LEASE_AGENT], writable: [shared] },
    },
    pool: POOL,
  });
  await installUnit(sb, config, ['--no-catalog']);
  // No start rate limit: each unit restarts 10 times in about a minute.
  const dropIn = join(sb.unitDir, `${name}.service.d`);
  mkdirSync(dropIn, { recursive: true });
  writeFileSync(join(dropIn, 'test.conf'), '[Unit]\nStartLimitIntervalSec=0\n');
  await sb.systemctl('daemon-reload');
  const start = await sb.systemctl('start', `${name}.socket`, `${name}.service`);
  if (start.exitCode !== 0) throw new Error(`systemctl start ${name} failed: ${String(start.stderr)}`);
  return { id, name, service: `${name}.service`, socket: `${name}.socket`, port, http: client(port) };
}

beforeAll(async () => {
  sb = await startSystemd();
  pg = await startPostgres();
  const db = pg.createDatabase('two_units');
  shared = join(sb.workDir, 'shared');
  mkdirSync(shared, { recursive: true });
  hosts.push(await deployHost('host-a', db));
  hosts.push(await deployHost('host-b', db));
  for (const h of hosts) await waitFor(`${h.id} to answer /healthz`, async () => (await h.http.get('/healthz')).status === 200);
}, 120_000);

afterAll(async () => {
  for (const h of hosts) await sb?.systemctl('stop', h.socket, h.service);
  await sb?.stop();
  pg?.destroy();
});

const succeeded = (host: UnitHost, id: string) => waitForTask(host.http, id, 'succeeded', { timeoutMs: 15_000 });

describe('two hosts as systemd units on one PostgreSQL', () => {
  it('intake sent to host A for an instance of host B runs on B', async () => {
    const r = await a().http.post('/task', { agent: 'b-1', payload: { key: 'cross', ms: 10 } });
    expect(r.status).toBe(202);
    const done = await succeeded(a(), String(r.json['id']));
    expect(done['host']).toBe('host-b');
    expect((await sb.show(b().service, ['ActiveState'])).ActiveState).toBe('active');
  });

  it(`constant intake over both hosts across ${RESTARTS_EACH} restarts of each: nothing refused, nothing lost`, async () => {
    const outcomes: Outcome[] = [];
    let sending = true;
    const load = (async () => {
      const pending: Promise<void>[] = [];
      for (let i = 0; sending; i++) {
        const host = i % 2 === 0 ? a() : b();
        // Mostly short tasks; every 10th is longer than drain_ms, so a drain cancels it and the next boot re-queues it.
        const body = JSON.stringify({
          agent: AGENTS[i % AGENTS.length],
          payload: { key: `k${i}`, ms: i % 10 === 0 ? 1500 : 50 + (i % 6) * 50 },
        });
        pending.push(postFresh(host.port, '/task', body).then((o) => void outcomes.push({ ...o, via: host.id })));
        await sleep(1000 / RATE_PER_S);
      }
      await Promise.all(pending);
    })();
    const t0 = Date.now();
    for (let r = 0; r < 2 * RESTARTS_EACH; r++) {
      await sleep(1000 + Math.random() * 1000);
      const host = r % 2 === 0 ? a() : b();
      const res = await sb.systemctl('restart', host.service);
      expect(res.exitCode, `restart ${r} of ${host.id}: ${String(res.stderr)}`).toBe(0);
    }
    await sleep(1000);
    sending = false;
    await load;
    const restartsMs = Date.now() - t0;

    const counts = countOutcomes(outcomes);
    console.log(`two hosts, ${2 * RESTARTS_EACH} restarts in ${Math.round(restartsMs / 1000)} s: ${JSON.stringify(counts)}`);
    expect(outcomes.filter((o) => o.kind !== 'accepted')).toEqual([]);
    expect(counts.accepted).toBeGreaterThan(40);

    const ids = [...new Set(outcomes.flatMap((o) => (o.kind === 'accepted' ? [o.id] : [])))];
    const finals = await waitFor(
      'every accepted task to end',
      async () => {
        const last = await lastAttempts(ids, (id) => a().http.task(id));
        return last.every((t) => t['status'] !== 'queued' && t['status'] !== 'running') ? last : undefined;
      },
      120_000,
      1000,
    );
    const notSucceeded = finals.filter((t) => t['status'] !== 'succeeded');
    const byHost = (id: string) => finals.filter((t) => t['host'] === id).length;
    console.log(
      `two hosts: ${ids.length} tasks, ${finals.length - notSucceeded.length} succeeded (${byHost('host-a')} on host-a, ${byHost('host-b')} on host-b), ${finals.filter((t) => Number(t['attempt']) > 1).length} needed a later attempt`,
    );
    expect(notSucceeded).toEqual([]);
    expect(finals).toHaveLength(ids.length);
    // Each instance ran on its own host.
    for (const t of finals) {
      const host = POOL.find((p) => p.name === t['agent'])?.host;
      if (host !== undefined) expect(t['host'], String(t['id'])).toBe(host);
    }
    expect(byHost('host-a')).toBeGreaterThan(0);
    expect(byHost('host-b')).toBeGreaterThan(0);
    for (const h of hosts) expect((await sb.show(h.socket, ['ActiveState'])).ActiveState).toBe('active');
  }, 300_000);

  it('B killed mid-task (SIGKILL, Restart=no): A reclaims and runs the task within lease + 5 s; B back runs no duplicate', async () => {
    // Only B is up when the task comes in, so B runs it.
    await sb.systemctl('stop', a().socket, a().service);
    const work = mkdtempSync(join(shared, 'kill-'));
    const r = await b().http.post('/task', { agent: 'lease-default', payload: { dir: work, long_ms: 120_000 } });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    const id = String(r.json['id']);
    const pid = await waitFor('the first run to start on B', async () =>
      existsSync(join(work, 'first')) ? Number(readFileSync(join(work, 'first'), 'utf8')) : undefined,
    );
    expect(await b().http.task(id)).toMatchObject({ status: 'running', host: 'host-b' });
    const startA = await sb.systemctl('start', a().socket, a().service);
    expect(startA.exitCode, String(startA.stderr)).toBe(0);

    const kill = await sb.systemctl('kill', '-s', 'SIGKILL', b().service);
    expect(kill.exitCode, String(kill.stderr)).toBe(0);
    const killedAt = Date.now();
    await waitFor(
      'B and its run to die',
      async () => !isAlive(pid) && (await sb.show(b().service, ['ActiveState'])).ActiveState !== 'active',
    );
    // The reclaim marks the row crashed, then queues the next attempt: wait for both.
    const reclaimed = await waitForTask(a().http, id, 'crashed', {
      timeoutMs: LEASE.lease_ms + 15_000,
      also: (t) => typeof t['retried_as'] === 'string',
    });
    const reclaimMs = Date.now() - killedAt;
    expect(reclaimed).toMatchObject({ reason: 'lease-expired', host: 'host-b' });
    expect(reclaimMs).toBeLessThan(LEASE.lease_ms + 5_000);
    // The instance names no host, so A (the only live host) runs the new attempt.
    const next = String(reclaimed['retried_as']);
    const second = await succeeded(a(), next);
    expect(second).toMatchObject({ host: 'host-a', attempt: 2, retry_of: id });
    console.log(`B SIGKILLed mid-task: reclaimed by A after ${reclaimMs} ms (lease ${LEASE.lease_ms} ms), attempt 2 succeeded on A`);

    // B comes back: its boot finds the reclaimed row, and neither it nor A runs the task again.
    expect((await sb.show(b().service, ['ActiveState'])).ActiveState).not.toBe('active');
    const startB = await sb.systemctl('start', b().service);
    expect(startB.exitCode, String(startB.stderr)).toBe(0);
    await waitFor('B to answer /healthz', async () => (await b().http.get('/healthz')).status === 200);
    await sleep(3 * LEASE.lease_renew_ms + 1_000); // a few host-loop rounds on both hosts
    const runs = readFileSync(join(work, 'runs'), 'utf8').trim().split('\n');
    expect(runs.filter((l) => l.startsWith('start'))).toEqual([`start ${pid} ${id}`, expect.stringMatching(new RegExp(` ${next}$`))]);
    expect(runs.filter((l) => l.startsWith('done'))).toEqual([expect.stringMatching(new RegExp(` ${next}$`))]);
    const history = (await b().http.get(`/tasks/${next}`)).json;
    expect(history).toMatchObject({ status: 'succeeded', retried_as: null });
    expect(await a().http.task(id)).toMatchObject({ status: 'crashed', reason: 'lease-expired', retried_as: next });
  }, 120_000);

  it('PostgreSQL stopped for longer than the lease and the watchdog: both units stay up, and work again once it is back', async () => {
    // Independent of the test before: both hosts up and healthy first.
    for (const h of hosts) {
      if ((await sb.show(h.service, ['ActiveState'])).ActiveState !== 'active') await sb.systemctl('start', h.socket, h.service);
      await waitFor(`${h.id} to answer /healthz`, async () => (await h.http.get('/healthz')).status === 200);
    }
    const pids = await Promise.all(hosts.map(async (h) => (await sb.show(h.service, ['MainPID'])).MainPID));
    pg.stop();
    await sleep(8_000);
    for (const [i, h] of hosts.entries()) {
      expect(await sb.show(h.service, ['ActiveState', 'MainPID'])).toEqual({ ActiveState: 'active', MainPID: pids[i] });
      const health = await h.http.get('/healthz');
      expect(health.status, h.id).toBe(503);
      expect(health.json['checks']).toMatchObject({ store: false, event_loop: true });
    }
    pg.start();
    for (const h of hosts) await waitFor(`${h.id} to be healthy again`, async () => (await h.http.get('/healthz')).status === 200);
    const r = await a().http.post('/task', { agent: 'b-1', payload: { key: 'after-outage', ms: 10 } });
    expect(r.status).toBe(202);
    expect(await succeeded(a(), String(r.json['id']))).toMatchObject({ host: 'host-b' });
    for (const [i, h] of hosts.entries()) expect((await sb.show(h.service, ['MainPID'])).MainPID).toBe(pids[i]);
  }, 60_000);
});
