// Signals against a real `hooksctl serve` process: a stop before READY drains cleanly, and a
// second signal skips straight to the force-abort.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, client, freePort, waitFor, writeServeConfig } from '../harness/serve.js';

async function serveProcess(shutdown: Record<string, number>) {
  const dir = mkdtempSync(join(tmpdir(), 'hooks-sig-'));
  const port = await freePort();
  const cfg = writeServeConfig(dir, { service: { port, db: join(dir, 'data/hooks.db') }, shutdown, pool: [] });
  const proc = execa(BIN, ['serve', '--config', cfg], { reject: false, all: true, env: { NOTIFY_SOCKET: '' } });
  return { proc, http: client(port), db: join(dir, 'data/hooks.db') };
}

describe('serve signals', () => {
  it('a SIGTERM during start-up (before READY) still ends in a clean drain and exit 0', async () => {
    const { proc } = await serveProcess({ drain_ms: 2000 });
    let out = '';
    await new Promise<void>((resolve) => {
      proc.all?.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('starting')) resolve(); });
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
    await waitFor('the drain to start', async () => (await http.post('/task', { agent: 'dev-default' }).catch(() => null))?.status === 503, 5000, 50);
    proc.kill('SIGTERM');
    const r = await proc;
    expect(r.exitCode, String(r.all)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(String(r.all)).toMatch(/second signal SIGTERM: skipping to abort[\s\S]*force-abort[\s\S]*bye/);
    const { default: Database } = await import('better-sqlite3');
    const store = new Database(db, { readonly: true });
    try {
      expect(store.prepare('SELECT status, reason FROM task_history WHERE id = ?').get(String(json['id']))).toEqual({ status: 'cancelled', reason: 'shutdown' });
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
});
