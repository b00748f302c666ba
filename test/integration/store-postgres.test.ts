// The task store over a real PostgreSQL (started by the harness): the port's whole contract, then
// what only a shared store does: claims that never collide, migrations racing at boot, leases
// that expire and are reclaimed by another host, and fencing of the host that lost them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/tasks/postgres/store.js';
import { PG_MIGRATIONS } from '../../src/tasks/postgres/migrations.js';
import { openTaskStore } from '../../src/tasks/open-store.js';
import { recoverAtBoot, requeueRetryable } from '../../src/tasks/recovery.js';
import { systemClock, type Clock } from '../../src/runtime.js';
import type { StoreOptions, TaskStore } from '../../src/tasks/store.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { describeTaskStore } from '../tasks/store-contract.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { parseConfig } from '../../src/config/load.js';
import { serviceSecrets } from '../../src/service/secrets.js';

let server: PostgresServer | undefined;
const pg = (): PostgresServer => {
  if (!server) throw new Error('PostgreSQL did not start (see beforeAll)');
  return server;
};
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(() => server?.destroy());

describeTaskStore('postgres', () => openPostgresStore(pg().createDatabase('contract'), systemClock));

// A wall clock the test moves by hand: leases are compared with the clock of the host that writes them.
function manualClock(start = Date.parse('2026-01-01T00:00:00Z')): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, monotonic: () => now, advance: (ms) => void (now += ms) };
}

describe('postgres store: several hosts', () => {
  const stores: TaskStore[] = [];
  const open = async (url: string, clock: Clock, options: StoreOptions) => {
    const store = await openTaskStore(url, clock, options);
    stores.push(store);
    return store;
  };
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });
  // Hosts on a fresh database `name`, in order, with one hand-moved clock and a lease of `leaseMs`.
  const leasedHosts = async <const T extends readonly string[]>(name: string, hostIds: T, leaseMs: number) => {
    const url = pg().createDatabase(name);
    const clock = manualClock();
    const hosts: TaskStore[] = [];
    for (const hostId of hostIds) hosts.push(await open(url, clock, { hostId, leaseMs }));
    return { clock, hosts: hosts as { [K in keyof T]: TaskStore } };
  };

  it('migrates once when several hosts boot at the same time, and refuses a newer schema (exit 78)', async () => {
    const url = pg().createDatabase('boot');
    await Promise.all([1, 2, 3, 4].map((n) => open(url, systemClock, { hostId: `h${n}` })));
    expect(pg().psql('SELECT array_agg(version ORDER BY version) FROM hooksctl_schema', url.split('/').pop()).trim()).toBe(
      `{${PG_MIGRATIONS.map((_, i) => i + 1).join(',')}}`,
    );
    pg().psql(`INSERT INTO hooksctl_schema VALUES (${PG_MIGRATIONS.length + 1})`, url.split('/').pop());
    await expect(openTaskStore(url, systemClock)).rejects.toMatchObject({ code: 'hooks.store.too_new', exitCode: 78 });
  });

  it('two hosts claiming the same 200 tasks at once claim each exactly once (SKIP LOCKED)', async () => {
    const url = pg().createDatabase('claims');
    const a = await open(url, systemClock, { hostId: 'a' });
    const b = await open(url, systemClock, { hostId: 'b' });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push((await a.enqueue({ agent: 'x', payload: i })).row.id);
    const claimAll = async (store: TaskStore) => (await Promise.all(ids.map((id) => store.claim(id)))).filter((r) => r !== undefined);
    const [byA, byB] = await Promise.all([claimAll(a), claimAll(b)]);
    expect(byA.length + byB.length).toBe(200);
    expect(new Set([...byA, ...byB].map((r) => r.id)).size).toBe(200);
    expect(byA.every((r) => r.host === 'a' && r.fence === 1)).toBe(true);
    expect(byB.every((r) => r.host === 'b' && r.fence === 1)).toBe(true);
    expect((await a.counts()).running).toBe(200);
  });

  it('a dedupe key replayed on two hosts at once makes one row', async () => {
    const url = pg().createDatabase('dedupe');
    const a = await open(url, systemClock, { hostId: 'a' });
    const b = await open(url, systemClock, { hostId: 'b' });
    const results = await Promise.all([a, b, a, b].map((s) => s.enqueue({ agent: 'x', payload: 1, dedupeKey: 'delivery-1' })));
    expect(new Set(results.map((r) => r.row.id)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
  });

  it('an expired lease is reclaimed by another host, re-queued with attempt counting, and the old holder is fenced off', async () => {
    const { clock, hosts } = await leasedHosts('lease', ['a', 'b'], 20_000);
    const [a, b] = hosts;
    const { row } = await a.enqueue({ agent: 'x', payload: 1 });
    const held = await b.claim(row.id);
    expect(held).toMatchObject({ host: 'b', fence: 1 });
    clock.advance(15_000);
    expect(await b.renew(row.id, 1)).toBe(true);
    clock.advance(15_000);
    // Renewed at +15 s for 20 s: still live at +30 s.
    expect(await a.reclaimExpired()).toEqual([]);
    clock.advance(6_000);
    expect(await a.reclaimExpired()).toEqual([row.id]);
    expect(await a.reclaimExpired()).toEqual([]);
    expect(await a.get(row.id)).toMatchObject({ status: 'crashed', reason: 'lease-expired', host: 'b' });
    // B comes back: its lease is gone, so it can neither renew nor report.
    expect(await b.renew(row.id, 1)).toBe(false);
    expect(await b.finish(row.id, { status: 'succeeded', reason: null, exitCode: 0 }, 1)).toBe(false);
    // A's recovery queues attempt 2; B claims it with a new fence, and a stale fence still cannot finish it.
    const report = await recoverAtBoot(a, { requeue: true, maxAttempts: 2 });
    expect(report.requeued.map(([old]) => old)).toEqual([row.id]);
    const next = report.requeued[0]?.[1] ?? '';
    const again = await b.claim(next);
    expect(again).toMatchObject({ attempt: 2, host: 'b', fence: 1, root_id: row.id });
    expect(await a.finish(next, { status: 'failed', reason: 'x', exitCode: 1 }, 1)).toBe(false);
    clock.advance(21_000);
    expect(await a.reclaimExpired()).toEqual([next]);
    expect(await recoverAtBoot(a, { requeue: true, maxAttempts: 2 })).toEqual({ crashed: [], requeued: [], exhausted: [next] });
    expect(await a.get(next)).toMatchObject({ status: 'failed', reason: 'attempts-exhausted' });
  });

  it('two hosts re-queuing the same reclaimed rows at once queue each once, and only the host that queued it announces it', async () => {
    const { clock, hosts } = await leasedHosts('requeue', ['a', 'b', 'c'], 20_000);
    const [a, b, c] = hosts;
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { row } = await a.enqueue({ agent: 'x', payload: i });
      await c.claim(row.id);
      ids.push(row.id);
    }
    clock.advance(21_000);
    expect((await a.reclaimExpired()).sort()).toEqual([...ids].sort());
    const announced: Record<string, string[]> = { a: [], b: [] };
    const recover = (store: TaskStore, host: 'a' | 'b') =>
      recoverAtBoot(store, { requeue: true, maxAttempts: 3, onRequeued: (row) => void announced[host]?.push(row.retry_of ?? '') });
    const [byA, byB] = await Promise.all([recover(a, 'a'), recover(b, 'b')]);
    // Each old row got one next attempt, announced once, by the host whose call queued it.
    const queued = [...byA.requeued, ...byB.requeued];
    expect(queued.map(([old]) => old).sort()).toEqual([...ids].sort());
    expect(new Set(queued.map(([, next]) => next)).size).toBe(ids.length);
    expect([...(announced['a'] ?? []), ...(announced['b'] ?? [])].sort()).toEqual([...ids].sort());
    expect(announced['a']).toEqual(byA.requeued.map(([old]) => old));
    expect((await a.counts()).queued).toBe(ids.length);
  });

  it('a host whose list of retryable rows is stale re-queues nothing another host queued since, and announces nothing', async () => {
    const { clock, hosts } = await leasedHosts('requeue_stale', ['a', 'b'], 20_000);
    const [a, b] = hosts;
    const { row } = await a.enqueue({ agent: 'x', payload: 1 });
    await b.claim(row.id);
    clock.advance(21_000);
    expect(await a.reclaimExpired()).toEqual([row.id]);
    // B read the row as retryable, then A queued its next attempt before B's retry ran.
    const stale = await b.listRetryable();
    expect(stale.map((r) => r.id)).toEqual([row.id]);
    const byA = await requeueRetryable(a, { requeue: true, maxAttempts: 3 });
    expect(byA.requeued.map(([old]) => old)).toEqual([row.id]);
    const heard: string[] = [];
    const staleB: TaskStore = { ...b, listRetryable: async () => stale };
    expect(await requeueRetryable(staleB, { requeue: true, maxAttempts: 3, onRequeued: (r) => void heard.push(r.id) })).toEqual({
      requeued: [],
      exhausted: [],
    });
    expect(heard).toEqual([]);
    expect((await a.attempts(row.id)).map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('a task queued on one host wakes the others through LISTEN/NOTIFY, at commit, with its agent', async () => {
    const url = pg().createDatabase('notify');
    const a = await open(url, systemClock, { hostId: 'a' });
    const b = await open(url, systemClock, { hostId: 'b' });
    const heard: string[] = [];
    const unsubscribe = await b.watchQueued((agent) => heard.push(agent));
    const t0 = Date.now();
    await a.enqueue({ agent: 'builder-b', payload: 1 });
    while (heard.length === 0 && Date.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 5));
    expect(heard).toEqual(['builder-b']);
    expect(Date.now() - t0).toBeLessThan(1_000);
    await unsubscribe();
    await a.enqueue({ agent: 'builder-b', payload: 2 });
    await new Promise((r) => setTimeout(r, 200));
    expect(heard).toEqual(['builder-b']);
  });

  it('a cancel asked on one host for a task another runs is marked and wakes only the host running it, at commit', async () => {
    const url = pg().createDatabase('cancel');
    const a = await open(url, systemClock, { hostId: 'a' });
    const b = await open(url, systemClock, { hostId: 'b' });
    const told = { a: 0, b: 0 };
    const unwatch = await Promise.all([a.watchCancels(() => void (told.a += 1)), b.watchCancels(() => void (told.b += 1))]);
    const row = (await a.enqueue({ agent: 'on-b', payload: 1 })).row;
    await b.claim(row.id);
    const t0 = Date.now();
    expect(await a.requestCancel(row.id, 'user')).toBe(true);
    while (told.b === 0 && Date.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 5));
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(await a.cancelRequests()).toEqual([]);
    expect((await b.cancelRequests()).map((r) => [r.id, r.cancel_requested])).toEqual([[row.id, 'user']]);
    await new Promise((r) => setTimeout(r, 200));
    expect(told).toEqual({ a: 0, b: 1 });
    await Promise.all(unwatch.map((u) => u()));
  });

  it('a host lists as leftovers its running rows and those reclaimed from it, and the live hosts by heartbeat', async () => {
    const { clock, hosts } = await leasedHosts('leftovers', ['a', 'b'], 1_000);
    const [a, b] = hosts;
    const lost = (await a.enqueue({ agent: 'x', payload: 1 })).row;
    await b.claim(lost.id);
    await b.setPid(lost.id, 4242, 99);
    clock.advance(2_000);
    expect(await a.reclaimExpired()).toEqual([lost.id]);
    expect((await b.leftovers()).map((r) => [r.id, r.pid])).toEqual([[lost.id, 4242]]);
    expect(await a.leftovers()).toEqual([]);
    await a.heartbeat();
    clock.advance(1);
    await b.heartbeat();
    expect((await a.hosts()).map((h) => h.id)).toEqual(['b', 'a']);
  });

  it("boot recovery crashes only this host's running rows", async () => {
    const url = pg().createDatabase('boot_recovery');
    const a = await open(url, systemClock, { hostId: 'a' });
    const b = await open(url, systemClock, { hostId: 'b' });
    const mine = (await a.enqueue({ agent: 'x', payload: 1 })).row;
    const theirs = (await a.enqueue({ agent: 'y', payload: 1 })).row;
    await a.claim(mine.id);
    await b.claim(theirs.id);
    expect(await a.crashRunning()).toEqual([mine.id]);
    expect(await b.get(theirs.id)).toMatchObject({ status: 'running', host: 'b' });
  });

  it('keeps rows across a close and reopen (a restart of the host)', async () => {
    const url = pg().createDatabase('reopen');
    const first = await openTaskStore(url, systemClock, { hostId: 'a' });
    const { row } = await first.enqueue({ agent: 'x', payload: { n: 1 } });
    await first.appendEvent('task_queued', { id: row.id });
    await first.close();
    const second = await open(url, systemClock, { hostId: 'a' });
    expect(await second.get(row.id)).toMatchObject({ status: 'queued', seq: row.seq });
    expect(await second.eventsAfter(0, 10)).toHaveLength(1);
  });
});

describe('postgres store: the password comes from a credential or the environment', () => {
  let secured: PostgresServer | undefined;
  beforeAll(async () => {
    secured = await startPostgres({ password: 'pw-of-test' });
  });
  afterAll(() => secured?.destroy());

  it('without the password the server is unavailable (exit 69); with it from db-password or PGPASSWORD the store opens', async () => {
    const server = secured;
    if (!server) throw new Error('the password-protected PostgreSQL did not start');
    const url = server.createDatabase('secured');
    await expect(openTaskStore(url, systemClock, { password: 'wrong' })).rejects.toMatchObject({ code: 'hooks.store.open', exitCode: 69 });
    const config = parseConfig(
      {
        ...defaultConfig('/usr/bin/node'),
        service: { ...defaultConfig('/usr/bin/node').service, db: url, credentials: { 'db-password': '/etc/x/db-password' } },
      },
      'test',
    );
    const fromCredential = serviceSecrets(config, { CREDENTIALS_DIRECTORY: '/run/credentials/x' }, (p) => {
      expect(p).toBe('/run/credentials/x/db-password');
      return 'pw-of-test\n';
    }).dbPassword;
    const byCredential = await openTaskStore(url, systemClock, { password: fromCredential });
    expect(await byCredential.ping()).toBe(true);
    await byCredential.close();
    const noCredential = parseConfig(
      { ...defaultConfig('/usr/bin/node'), service: { ...defaultConfig('/usr/bin/node').service, db: url } },
      'test',
    );
    const byEnv = await openTaskStore(url, systemClock, {
      password: serviceSecrets(noCredential, { PGPASSWORD: 'pw-of-test' }).dbPassword,
    });
    expect(await byEnv.ping()).toBe(true);
    await byEnv.close();
  });
});
