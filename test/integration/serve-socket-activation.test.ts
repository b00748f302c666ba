// Socket activation under the real systemd --user: install-unit writes the .socket beside the service,
// the first request starts the service, a task child holds no listener and sees no LISTEN_*, and
// stopping the service alone leaves the socket to start it again, while stopping both stops both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';
import { client, freePort, installUnit, uniqueName, waitFor, writeServeConfig } from '../harness/serve.js';

let sb: SystemdSandbox;
beforeAll(async () => {
  sb = await startSystemd();
});
afterAll(async () => {
  await sb?.stop();
});

// Install the pair (without starting anything) for a fresh service with a unix socket too.
async function installPair(prefix: string) {
  const name = uniqueName(prefix);
  const port = await freePort();
  const dir = join(sb.workDir, name);
  const unix = join(dir, 'hooks.sock');
  const cfg = writeServeConfig(dir, {
    service: { name, port, db: join(dir, 'data/hooks.db') },
    shutdown: { drain_ms: 2000, abort_grace_ms: 1000, cleanup_ms: 1000, margin_ms: 1000 },
    unit: { watchdog_sec: null, listen_unix: unix },
    pool: [],
  });
  await installUnit(sb, cfg, ['--no-catalog']);
  return { name, port, unix, db: join(dir, 'data/hooks.db'), http: client(port), service: `${name}.service`, socket: `${name}.socket` };
}

// One task row straight from the store (the API does not show the pid).
async function row(db: string, id: string): Promise<Record<string, unknown>> {
  const { default: Database } = await import('better-sqlite3');
  const store = new Database(db, { readonly: true });
  try {
    return (store.prepare('SELECT status, pid FROM task_history WHERE id = ?').get(id) as Record<string, unknown> | undefined) ?? {};
  } finally {
    store.close();
  }
}

// The socket inodes an fd table holds (`socket:[N]`).
function socketInodes(pid: number): string[] {
  const dir = `/proc/${pid}/fd`;
  return readdirSync(dir)
    .map((fd) => {
      try {
        return readlinkSync(join(dir, fd));
      } catch {
        return '';
      }
    })
    .filter((l) => l.startsWith('socket:'));
}

// GET /healthz over the unix socket.
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

describe('socket activation under systemd --user', () => {
  it('the first request starts the service; a task child holds no listening socket and sees no LISTEN_*', async () => {
    const s = await installPair('hk-sock');
    try {
      expect((await sb.systemctl('start', s.socket)).exitCode).toBe(0);
      expect((await sb.show(s.service, ['ActiveState'])).ActiveState).toBe('inactive');
      // The connection waits in the socket's backlog while systemd starts the service.
      expect((await s.http.get('/healthz')).status).toBe(200);
      expect(await unixHealth(s.unix)).toBe(200);
      const main = Number((await sb.show(s.service, ['MainPID'])).MainPID);
      expect(main).toBeGreaterThan(0);
      // systemd passes the listeners as fds 3 (TCP) and 4 (unix), in ListenStream= order.
      const listeners = [readlinkSync(`/proc/${main}/fd/3`), readlinkSync(`/proc/${main}/fd/4`)];
      expect(listeners.every((l) => l.startsWith('socket:'))).toBe(true);
      const logged = await waitFor('the adoption logged', async () =>
        (await sb.journal([`HOOKS_SERVICE=${s.name}`])).find((e) => String(e['MESSAGE']).startsWith('socket activation:')),
      );
      expect(logged['MESSAGE']).toBe('socket activation: adopted fd 3 (tcp, http), fd 4 (unix, http)');

      const { json } = await s.http.post('/task', { agent: 'dev-default', payload: { sleep_ms: 30_000 } });
      const id = String(json['id']);
      const child = await waitFor('the task pid recorded', async () => Number((await row(s.db, id))['pid']) || null);
      const held = socketInodes(child);
      for (const l of listeners) expect(held, `child ${child} holds ${l}`).not.toContain(l);
      const environ = readFileSync(`/proc/${child}/environ`, 'utf8').split('\0');
      expect(environ.filter((e) => e.startsWith('LISTEN_'))).toEqual([]);
      expect(environ).toContain(`HOOKS_TASK_ID=${id}`);
    } finally {
      await sb.systemctl('stop', s.socket, s.service);
    }
  });

  it('stopping the service alone leaves the socket, and the next request starts the service again; stopping both stops both', async () => {
    const s = await installPair('hk-sockstop');
    try {
      expect((await sb.systemctl('start', s.service)).exitCode).toBe(0);
      expect((await sb.show(s.socket, ['ActiveState'])).ActiveState).toBe('active');
      const first = (await sb.show(s.service, ['MainPID'])).MainPID;
      expect((await s.http.get('/healthz')).status).toBe(200);

      expect((await sb.systemctl('stop', s.service)).exitCode).toBe(0);
      expect((await sb.show(s.service, ['ActiveState'])).ActiveState).toBe('inactive');
      expect((await sb.show(s.socket, ['ActiveState'])).ActiveState).toBe('active');
      expect((await s.http.get('/healthz')).status).toBe(200);
      const again = await sb.show(s.service, ['ActiveState', 'MainPID']);
      expect(again.ActiveState).toBe('active');
      expect(again.MainPID).not.toBe(first);

      expect((await sb.systemctl('stop', s.socket, s.service)).exitCode).toBe(0);
      expect((await sb.show(s.service, ['ActiveState'])).ActiveState).toBe('inactive');
      expect((await sb.show(s.socket, ['ActiveState'])).ActiveState).toBe('inactive');
      const refused = await s.http.get('/healthz').then(
        () => 'answered',
        (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
      );
      expect(refused).toBe('ECONNREFUSED');
    } finally {
      await sb.systemctl('stop', s.socket, s.service);
    }
  });
});
