// End to end under the real systemd --user: install-unit, start, restart with tasks in flight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';
import { BIN, deployService, waitFor } from '../harness/serve.js';

let sb: SystemdSandbox;
beforeAll(async () => {
  sb = await startSystemd();
});
afterAll(async () => {
  await sb?.stop();
});

const terminal = new Set(['succeeded', 'failed', 'cancelled', 'crashed']);

describe('serve under systemd --user', () => {
  it('restart drains: finished tasks succeed, the long one is cancelled and re-runs as attempt 2', async () => {
    const { name, http } = await deployService(sb, 'hk-restart', {
      shutdown: { drain_ms: 6000, abort_grace_ms: 2000, cleanup_ms: 2000, margin_ms: 2000 },
      pool: [
        { name: 'dev-2', type: 'dev' },
        { name: 'dev-3', type: 'dev' },
      ],
    });
    expect((await sb.show(`${name}.service`, ['ActiveState'])).ActiveState).toBe('active');
    const ids: string[] = [];
    for (const [agent, ms] of [
      ['dev-default', 2000],
      ['dev-2', 4000],
      ['dev-3', 60000],
    ] as const) {
      const r = await http.post('/task', { agent, payload: { sleep_ms: ms } });
      expect(r.status).toBe(202);
      ids.push(String(r.json['id']));
    }
    await waitFor('three tasks running', async () =>
      (await Promise.all(ids.map((id) => http.task(id)))).every((t) => t['status'] === 'running'),
    );
    const oldInvocation = (await sb.show(`${name}.service`, ['InvocationID'])).InvocationID;

    const restart = sb.systemctl('restart', `${name}.service`);
    // During the drain /healthz says draining (503, for load balancers), and new work is kept
    // for the next instance: 202 with deferred and its URL.
    await waitFor('healthz to say draining', async () => (await http.get('/healthz')).json['state'] === 'draining', 5000, 50);
    expect((await http.get('/healthz')).status).toBe(503);
    const during = await http.post('/task', { agent: 'dev-default', payload: { sleep_ms: 10 } });
    expect(during.status).toBe(202);
    expect(during.json).toMatchObject({ status: 'queued', deferred: true, url: `/tasks/${String(during.json['id'])}` });
    const restarted = await restart;
    expect(restarted.exitCode, String(restarted.stderr)).toBe(0);
    expect((await sb.show(`${name}.service`, ['ActiveState'])).ActiveState).toBe('active');

    const [t1, t2, t3] = await Promise.all(ids.map((id) => http.task(id)));
    expect(t1).toMatchObject({ status: 'succeeded', exit_code: 0 });
    expect(t2).toMatchObject({ status: 'succeeded', exit_code: 0 });
    expect(t3).toMatchObject({ status: 'cancelled', reason: 'shutdown', attempt: 1 });
    const retry = await waitFor('attempt 2 running', async () => {
      const t = await http.task(String(t3?.['retried_as']));
      return t['status'] === 'running' ? t : null;
    });
    expect(retry).toMatchObject({ attempt: 2, retry_of: ids[2] });
    await waitFor(
      'the deferred task to run on the new instance',
      async () => (await http.task(String(during.json['id'])))['status'] === 'succeeded',
    );

    // The old instance stopped cleanly: its own bye entry, and no SIGKILL from the manager.
    const bye = await sb.journal([`HOOKS_SERVICE=${name}`, 'SHUTDOWN_PHASE=bye', `INVOCATION_ID=${oldInvocation}`]);
    expect(bye).toHaveLength(1);
    const manager = await sb.journal([`USER_UNIT=${name}.service`]);
    expect(manager.map((e) => String(e['MESSAGE']))).not.toContainEqual(expect.stringMatching(/timed out|Killing|Failed with result/));

    const drain = await sb.journal([`HOOKS_SERVICE=${name}`, 'SHUTDOWN_PHASE=drain']);
    expect(
      drain
        .filter((e) => e['TASK_ID'] !== undefined)
        .map((e) => e['TASK_ID'])
        .sort(),
    ).toEqual([ids[0], ids[1]].sort());
    expect(drain.every((e) => e['SYSLOG_IDENTIFIER'] === 'hooksctl' && typeof e['MESSAGE_ID'] === 'string')).toBe(true);

    const phases = await sb.run([process.execPath, BIN, 'phases', '--unit', name, '--json']);
    expect(phases.exitCode, String(phases.stderr)).toBe(0);
    const timelines = JSON.parse(String(phases.stdout)) as Array<Record<string, unknown>>;
    expect(timelines).toHaveLength(1);
    expect(timelines[0]).toMatchObject({ invocation: oldInvocation, settled: 2, aborted: 1, complete: true, signal: 'SIGTERM' });
    expect(Number(timelines[0]?.['drainMs'])).toBeGreaterThanOrEqual(5500);
    expect(Number(timelines[0]?.['timeoutStopMs'])).toBeGreaterThan(Number(timelines[0]?.['totalMs']));
    await sb.systemctl('stop', `${name}.service`);
  });

  it('extend mode: TimeoutStopSec=3 and an 8 s task, the stop succeeds and so does the task', async () => {
    const {
      name,
      http,
      db: dbPath,
    } = await deployService(sb, 'hk-extend', {
      shutdown: { drain_ms: 1000, abort_grace_ms: 1000, cleanup_ms: 1000, margin_ms: 1000, extend: true, max_drain_ms: 30000 },
      unit: { timeout_stop_sec: 3 },
      pool: [],
    });
    const { json } = await http.post('/task', { agent: 'dev-default', payload: { sleep_ms: 8000 } });
    const id = String(json['id']);
    await waitFor('task running', async () => (await http.task(id))['status'] === 'running');
    const t0 = Date.now();
    const stop = await sb.systemctl('stop', `${name}.service`);
    const took = Date.now() - t0;
    expect(stop.exitCode, String(stop.stderr)).toBe(0);
    expect(took).toBeGreaterThan(3000);
    expect(await sb.show(`${name}.service`, ['Result', 'ActiveState'])).toEqual({ Result: 'success', ActiveState: 'inactive' });
    const { Database } = { Database: (await import('better-sqlite3')).default };
    const db = new Database(dbPath, { readonly: true });
    try {
      expect(db.prepare('SELECT status, exit_code FROM task_history WHERE id = ?').get(id)).toEqual({ status: 'succeeded', exit_code: 0 });
    } finally {
      db.close();
    }
  });

  it('crash: kill -s KILL mid-task, then start: no row left running and the task re-runs', async () => {
    const { name, http } = await deployService(sb, 'hk-crash', {
      shutdown: { drain_ms: 2000, abort_grace_ms: 1000, cleanup_ms: 1000, margin_ms: 1000 },
      unit: { restart: 'no' },
      pool: [],
    });
    const { json } = await http.post('/task', { agent: 'dev-default', payload: { sleep_ms: 3000 } });
    const id = String(json['id']);
    await waitFor('task running', async () => (await http.task(id))['status'] === 'running');
    expect((await sb.systemctl('kill', '-s', 'KILL', `${name}.service`)).exitCode).toBe(0);
    await waitFor('unit dead', async () => (await sb.show(`${name}.service`, ['ActiveState'])).ActiveState !== 'active');
    await sleep(200);
    expect((await sb.systemctl('start', `${name}.service`)).exitCode).toBe(0);
    const first = await http.task(id);
    expect(first).toMatchObject({ status: 'crashed', reason: 'crash' });
    const retry = await waitFor(
      're-run to succeed',
      async () => {
        const t = await http.task(String(first['retried_as']));
        return terminal.has(String(t['status'])) ? t : null;
      },
      30_000,
    );
    expect(retry).toMatchObject({ status: 'succeeded', attempt: 2, retry_of: id });
    const running = await http.get('/tasks?status=running');
    expect(running.json['tasks']).toEqual([]);
    await sb.systemctl('stop', `${name}.service`);
  });
});
