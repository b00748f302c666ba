// Two `hooksctl serve` processes (two hosts, different host_id) on one real PostgreSQL: intake on
// host A for an instance of host B runs on B; B killed with SIGKILL mid-task has its lease
// reclaimed by A, the task re-queued for B; when B comes back it kills its leftover run, runs
// the new attempt, and no result of the old run is recorded. `hooksctl cancel` sent to A for a task
// running on B is marked in the store, B hears it (NOTIFY) and stops the run: cancelled/user.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/supervisor/proc.js';
import { LEASE_DEFAULTS } from '../../src/tasks/store.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { BIN, waitFor } from '../harness/serve.js';
import { startHostPair, startServeProcess as start, type ServeHost as Host } from '../harness/serve-process.js';
import { fixture } from '../harness/processes.js';

const AGENT = fixture('lease-agent.mjs');

// The events GET /events replays from the start of the log (Last-Event-ID: 0), up to the first for which `last` holds.
async function replayEvents(base: string, last: (e: { type: string; data: Record<string, unknown> }) => boolean) {
  const controller = new AbortController();
  const res = await fetch(`${base}/events`, { headers: { 'last-event-id': '0' }, signal: controller.signal });
  const reader = res.body?.getReader();
  if (!reader) throw new Error('no body');
  const events: Array<{ type: string; data: Record<string, unknown> }> = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const deadline = setTimeout(() => controller.abort(), 10_000);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return events;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const type = lines
          .find((l) => l.startsWith('event:'))
          ?.slice(6)
          .trim();
        const data = lines.find((l) => l.startsWith('data:'))?.slice(5);
        if (type === undefined || data === undefined) continue;
        events.push({ type, data: JSON.parse(data) as Record<string, unknown> });
        if (last(events[events.length - 1] as (typeof events)[number])) return events;
      }
    }
  } finally {
    clearTimeout(deadline);
    controller.abort();
  }
}

describe('two serve hosts on one PostgreSQL', () => {
  let pg: PostgresServer | undefined;
  let dir = '';
  const hosts: Host[] = [];
  const strays: number[] = [];

  beforeAll(async () => {
    pg = await startPostgres();
    const db = pg.createDatabase('two_hosts');
    dir = mkdtempSync(join(tmpdir(), 'hooks-two-hosts-'));
    hosts.push(...(await startHostPair({ dir, prefix: 'two', db: { 'host-a': db, 'host-b': db }, agent: AGENT })));
  });

  afterAll(async () => {
    for (const h of hosts) h.proc?.kill('SIGKILL');
    for (const pid of strays) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    pg?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const [a, b] = [() => hosts[0] as Host, () => hosts[1] as Host];
  const post = async (host: Host, payload: unknown) => {
    const r = await host.http.post('/task', { agent: 'on-b', payload });
    expect(r.status).toBe(202);
    return String(r.json['id']);
  };

  // Post a 2-minute task to A for B's instance; resolves once its first run is up on B, with the run's pid.
  const startLong = async (prefix: string) => {
    const work = mkdtempSync(join(dir, prefix));
    const id = await post(a(), { dir: work, long_ms: 120_000 });
    const pid = await waitFor('the first run to start on B', async () =>
      existsSync(join(work, 'first')) ? Number(readFileSync(join(work, 'first'), 'utf8')) : undefined,
    );
    strays.push(pid);
    return { id, pid };
  };

  it('a task posted to host A for an instance of host B runs on B', async () => {
    const work = mkdtempSync(join(dir, 'quick-'));
    // A marker already there: the agent finishes at once.
    writeFileSync(join(work, 'first'), 'earlier');
    const id = await post(a(), { dir: work, long_ms: 0 });
    const t0 = Date.now();
    const done = await waitFor('the task to succeed', async () => {
      const t = await a().http.task(id);
      return t['status'] === 'succeeded' ? t : undefined;
    });
    expect(done['host']).toBe('host-b');
    // LISTEN/NOTIFY woke B at once, not its 5 s queue poll.
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(b().log).not.toContain('lease');
    // hooksctl status on A lists both live hosts, and the instance's host.
    const status = await execa(process.execPath, [BIN, 'status', '--config', a().config], { reject: false, env: { HOOKS_CONFIG: '' } });
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain('host     host-a');
    expect(status.stdout).toMatch(/hosts +host-(a|b).*host-(a|b).* alive/);
    expect(status.stdout).toMatch(/on-b +work +process +host-b +idle/);
    const tasks = await execa(process.execPath, [BIN, 'tasks', '--config', b().config], { reject: false, env: { HOOKS_CONFIG: '' } });
    expect(tasks.stdout).toMatch(new RegExp(`${id.slice(0, 8)}.* on-b +host-b +succeeded`));
    // The shared event log, replayed from its start on either host: the task was announced once
    // (by A, which stored it), not again by B, which ran it.
    for (const host of hosts) {
      const seen = new Set<string>();
      const events = await replayEvents(host.http.base, (e) => {
        if (e.data['id'] === id) seen.add(e.type);
        return seen.size === 3;
      });
      // Two hosts append to the log on their own chains, so the order is not asserted: each event once.
      expect(
        events
          .filter((e) => e.data['id'] === id)
          .map((e) => e.type)
          .sort(),
      ).toEqual(['task_ended', 'task_queued', 'task_started']);
    }
  });

  it('B killed mid-task: A reclaims the lease, B comes back, kills its leftover and runs the new attempt; no stale result', async () => {
    const { id, pid: leftover } = await startLong('long-');
    expect((await a().http.task(id))['status']).toBe('running');
    b().proc?.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor('host B to die', async () => b().proc?.exitCode !== null || b().proc?.signalCode !== null);
    expect(isAlive(leftover)).toBe(true);
    // Within lease + one host-loop round (+ slack for the event loop), A re-queues it for B.
    const reclaimed = await waitFor(
      'host A to reclaim the expired lease',
      async () => {
        const t = await a().http.task(id);
        // The reclaim marks the row crashed, then queues the next attempt: wait for both.
        return t['status'] === 'crashed' && typeof t['retried_as'] === 'string' ? t : undefined;
      },
      LEASE_DEFAULTS.leaseMs + LEASE_DEFAULTS.renewMs + 10_000,
      250,
    );
    expect(Date.now() - killedAt).toBeLessThan(LEASE_DEFAULTS.leaseMs + LEASE_DEFAULTS.renewMs + 5_000);
    expect(reclaimed).toMatchObject({ reason: 'lease-expired', host: 'host-b' });
    const next = String(reclaimed['retried_as']);
    expect(next).not.toBe('null');
    // Only B runs B's instance: the new attempt waits for it.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await a().http.task(next)).toMatchObject({ status: 'queued', attempt: 2 });
    b().log = '';
    await start(b());
    await waitFor('the leftover run to be killed', async () => !isAlive(leftover), 15_000);
    const second = await waitFor('the new attempt to succeed on B', async () => {
      const t = await a().http.task(next);
      return t['status'] === 'succeeded' ? t : undefined;
    });
    expect(second).toMatchObject({ host: 'host-b', attempt: 2, retry_of: id });
    // The old run's row keeps what the reclaim wrote: its late end (the kill) was not recorded.
    expect(await a().http.task(id)).toMatchObject({ status: 'crashed', reason: 'lease-expired' });
    const all = (await a().http.get('/tasks?limit=100')).json;
    const rows = all['tasks'] as Array<{ status: string }>;
    expect(rows.filter((r) => r.status === 'running')).toEqual([]);
  });

  it('hooksctl cancel on host A for a task running on B: 202 cancel_requested with host-b, B stops it at once, cancelled/user', async () => {
    const { id, pid } = await startLong('cancel-');
    const cli = (...args: string[]) =>
      execa(process.execPath, [BIN, 'cancel', id, '--config', a().config, ...args], { reject: false, env: { HOOKS_CONFIG: '' } });
    const t0 = Date.now();
    const asked = await cli('--json');
    expect(asked.exitCode).toBe(0);
    expect(JSON.parse(asked.stdout)).toEqual({ id, status: 'cancel_requested', host: 'host-b' });
    const ended = await waitFor('B to stop the cancelled run', async () => {
      const t = await a().http.task(id);
      return t['status'] === 'cancelled' ? t : undefined;
    });
    // B heard the NOTIFY: far sooner than its 5 s safety-net read.
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(ended).toMatchObject({ status: 'cancelled', reason: 'user', host: 'host-b', cancel_requested: 'user', retried_as: null });
    expect(isAlive(pid)).toBe(false);
    expect(b().log).toContain(`task ${id}: cancel requested on another host`);
    // Ended now: a second cancel, to either host, is a conflict (exit 1).
    expect((await cli()).exitCode).toBe(1);
  });
});
