// `hooksctl serve` as a real process, without a service manager: run by hand it binds its own port;
// LISTEN_* meant for another process are ignored; and under systemd-socket-activate(1) it adopts a TCP
// and a unix listener (sd_listen_fds(3)) and answers on both.
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, client, freePort, waitFor, writeServeConfig } from '../harness/serve.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// A config for a serve with no pool and a short drain, in a fresh directory.
async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'hooks-fds-'));
  dirs.push(dir);
  const port = await freePort();
  const cfg = writeServeConfig(dir, {
    service: { port, db: join(dir, 'data/hooks.db') },
    shutdown: { drain_ms: 1000, abort_grace_ms: 500, cleanup_ms: 500, margin_ms: 500 },
    pool: [],
  });
  return { dir, port, cfg, http: client(port) };
}

// Stop a serve process with SIGTERM and return its combined output; it must exit 0.
async function stop(proc: { kill(signal: NodeJS.Signals): boolean } & PromiseLike<{ exitCode?: number; all: unknown }>): Promise<string> {
  proc.kill('SIGTERM');
  const r = await proc;
  expect(r.exitCode, String(r.all)).toBe(0);
  return String(r.all);
}

// GET /healthz over a unix socket.
function unixHealth(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: path, path: '/healthz' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const env = { NOTIFY_SOCKET: '', HOOKS_CONFIG: '' };

describe('serve and passed listeners, without systemd', () => {
  it('run by hand, serve binds its own port', async () => {
    const s = await setup();
    const proc = execa(BIN, ['serve', '--config', s.cfg], { reject: false, all: true, env });
    await waitFor('serve to answer', async () => (await s.http.get('/healthz')).status === 200, 20_000);
    expect(await stop(proc)).not.toContain('socket activation');
  });

  it('LISTEN_* meant for another process (LISTEN_PID not ours) are ignored: serve binds its own port', async () => {
    const s = await setup();
    const proc = execa(BIN, ['serve', '--config', s.cfg], {
      reject: false,
      all: true,
      env: { ...env, LISTEN_FDS: '1', LISTEN_PID: '1', LISTEN_FDNAMES: 'http' },
    });
    await waitFor('serve to answer', async () => (await s.http.get('/healthz')).status === 200, 20_000);
    expect(await stop(proc)).not.toContain('socket activation');
  });

  it('under systemd-socket-activate it adopts the TCP and the unix listener, and answers on both', async () => {
    const s = await setup();
    const unix = join(s.dir, 'hooks.sock');
    const proc = execa(
      'systemd-socket-activate',
      [
        '-l',
        `127.0.0.1:${s.port}`,
        '-l',
        unix,
        '--fdname=http:http',
        '-E',
        'NOTIFY_SOCKET=',
        process.execPath,
        BIN,
        'serve',
        '--config',
        s.cfg,
      ],
      { reject: false, all: true, env },
    );
    let out = '';
    proc.all.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('both listeners', async () => out.includes('as 4'), 10_000, 20);
    // The listeners exist before serve listens: the first request waits in the backlog.
    expect((await s.http.get('/healthz')).status).toBe(200);
    expect(await unixHealth(unix)).toBe(200);
    const { json } = await s.http.post('/task', { agent: 'dev-default', payload: {} });
    await waitFor('the task to succeed', async () => (await s.http.task(String(json['id'])))['status'] === 'succeeded');
    expect(await stop(proc)).toContain('socket activation: adopted fd 3 (tcp, http), fd 4 (unix, http)');
  });
});
