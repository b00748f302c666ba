// Signals against a real `hooksctl serve` process: a stop before READY drains cleanly, and a
// second signal skips straight to the force-abort.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, mkdtempSync } from 'node:fs';
import { isAlive } from '../../src/supervisor/proc.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, client, freePort, waitFor, writeServeConfig } from '../harness/serve.js';

async function serveProcess(
  shutdown: Record<string, number>,
  extra: Record<string, unknown> = {},
  dir = mkdtempSync(join(tmpdir(), 'hooks-sig-')),
  port?: number,
) {
  const p = port ?? (await freePort());
  const cfg = writeServeConfig(dir, { service: { port: p, db: join(dir, 'data/hooks.db') }, shutdown, pool: [], ...extra });
  const proc = execa(BIN, ['serve', '--config', cfg], { reject: false, all: true, env: { NOTIFY_SOCKET: '' } });
  return { proc, http: client(p), db: join(dir, 'data/hooks.db'), dir, port: p };
}

// Read one task row straight from the store.
async function row(db: string, id: string): Promise<Record<string, unknown>> {
  const { default: Database } = await import('better-sqlite3');
  const store = new Database(db, { readonly: true });
  try {
    return store.prepare('SELECT status, reason, attempt, retried_as, pid FROM task_history WHERE id = ?').get(id) as Record<
      string,
      unknown
    >;
  } finally {
    store.close();
  }
}

describe('serve signals', () => {
  it('a SIGTERM during start-up (before READY) still ends in a clean drain and exit 0', async () => {
    const { proc } = await serveProcess({ drain_ms: 2000 });
    let out = '';
    await new Promise<void>((resolve) => {
      proc.all?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('starting')) resolve();
      });
    });
    proc.kill('SIGTERM');
    const r = await proc;
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(String(r.all)).toMatch(/starting[\s\S]*ready[\s\S]*signal received, draining 0 tasks[\s\S]*bye/);
  });

  it('a second signal skips the rest of the drain and force-aborts', async () => {
    const { proc, http, db } = await serveProcess({ drain_ms: 60_000, abort_grace_ms: 1000 });
    await waitFor('serve to answer', async () => (await http.get('/healthz')).status === 200, 20_000);
    const { json } = await http.post('/task', { agent: 'dev-default', payload: { sleep_ms: 60_000 } });
    await waitFor('task running', async () => (await http.task(String(json['id'])))['status'] === 'running');
    const t0 = Date.now();
    proc.kill('SIGTERM');
    await waitFor('the drain to start', async () => (await http.get('/healthz').catch(() => null))?.json['state'] === 'draining', 5000, 50);
    proc.kill('SIGTERM');
    const r = await proc;
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(String(r.all)).toMatch(/second signal SIGTERM: skipping to abort[\s\S]*force-abort[\s\S]*bye/);
    const { default: Database } = await import('better-sqlite3');
    const store = new Database(db, { readonly: true });
    try {
      expect(store.prepare('SELECT status, reason FROM task_history WHERE id = ?').get(String(json['id']))).toEqual({
        status: 'cancelled',
        reason: 'shutdown',
      });
    } finally {
      store.close();
    }
  });

  it('SSE clients get task events and service_shutdown, then their stream is closed so the exit does not hang', async () => {
    const { proc, http } = await serveProcess({ drain_ms: 5000 });
    await waitFor('serve to answer', async () => (await http.get('/healthz')).status === 200, 20_000);
    const res = await fetch(`${http.base}/events`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const read = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'closed';
        text += Buffer.from(value).toString();
      }
    })();
    const { json } = await http.post('/task', { agent: 'dev-default', payload: { sleep_ms: 300 } });
    await waitFor('task_started on the stream', async () => text.includes('event: task_started'));
    proc.kill('SIGTERM');
    expect(await read).toBe('closed');
    expect(text).toContain('event: service_shutdown');
    expect(text).toMatch(new RegExp(`"busy_workers":\\[\\{"task":"${String(json['id'])}"`));
    const r = await proc;
    expect(r.exitCode, String(r.all)).toBe(0);
  });

  it('a task that already exited keeps its real result when the abort comes while a grandchild still holds its pipe', async () => {
    const { proc, http, db } = await serveProcess(
      { drain_ms: 200, abort_grace_ms: 500 },
      {
        types: { quick: { mode: 'process', command: ['sh', '-c', 'echo work-done; (sleep 3) & exit 0'], image: null, env: {} } },
      },
    );
    await waitFor('serve to answer', async () => (await http.get('/healthz')).status === 200, 20_000);
    const { json } = await http.post('/task', { agent: 'quick-default', payload: {} });
    await waitFor('task running', async () => (await http.task(String(json['id'])))['status'] === 'running');
    proc.kill('SIGTERM');
    const r = await proc;
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(await row(db, String(json['id']))).toMatchObject({ status: 'succeeded', retried_as: null });
  });

  it('after a SIGKILL of the service, the next start kills the leftover process group before re-running the task', async () => {
    // A silent agent: one that wrote output would die of EPIPE with the service and prove nothing.
    const types = { types: { quiet: { mode: 'process', command: ['sleep', '60'], image: null, env: {} } } };
    const first = await serveProcess({ drain_ms: 1000, abort_grace_ms: 500 }, types);
    await waitFor('serve to answer', async () => (await first.http.get('/healthz')).status === 200, 20_000);
    const { json } = await first.http.post('/task', { agent: 'quiet-default', payload: {} });
    const id = String(json['id']);
    const pid = await waitFor('task pid recorded', async () => Number((await row(first.db, id))['pid']) || null);
    first.proc.kill('SIGKILL');
    await first.proc;
    expect(existsSync(`/proc/${pid}`)).toBe(true); // the agent outlived the service (own process group)
    const second = await serveProcess({ drain_ms: 300, abort_grace_ms: 500 }, types, first.dir, first.port);
    await waitFor('serve to answer again', async () => (await second.http.get('/healthz')).status === 200, 20_000);
    expect(await waitFor('leftover killed', async () => !isAlive(pid), 5000)).toBe(true);
    const old = await row(second.db, id);
    expect(old).toMatchObject({ status: 'crashed', reason: 'crash' });
    await waitFor('attempt 2 running', async () => (await second.http.task(String(old['retried_as'])))['status'] === 'running', 20_000);
    second.proc.kill('SIGTERM');
    expect((await second.proc).exitCode).toBe(0);
  });
});
