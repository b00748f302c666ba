// Container mode in `serve`, end to end against a real dockerd: tasks run inside the agent's
// container, a stopped container is started first (the dashboard's overview and `hooksctl status`
// show it stopped, then running), and the drain's force-abort reaches the in-container process
// through the orphan guard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSYBOX_IMAGE, startDocker, type DockerSandbox } from '../harness/docker.js';
import { BIN, client, freePort, waitFor, writeServeConfig } from '../harness/serve.js';

let dk: DockerSandbox;
beforeAll(async () => {
  dk = await startDocker();
});
afterAll(async () => {
  await dk?.stop();
});

const SLOW = "trap 'echo TERM > /tmp/got-term-$HOOKS_TASK_ID; exit 143' TERM; sleep 1000 & wait $!";

describe('serve in container mode', () => {
  it('runs tasks in the container, restarts a stopped one, and the drain kills in-container work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooks-serve-ctr-'));
    const port = await freePort();
    const name = `hkc${Math.random().toString(36).slice(2, 7)}`;
    const cfg = writeServeConfig(dir, {
      service: { name, port, db: join(dir, 'data/hooks.db') },
      shutdown: { drain_ms: 1500, abort_grace_ms: 1500, cleanup_ms: 3000, margin_ms: 1000 },
      types: {
        box: { mode: 'container', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'cat; echo " from $HOOKS_AGENT"'], env: {}, network: 'none' },
        slow: { mode: 'container', image: BUSYBOX_IMAGE, command: ['sh', '-c', SLOW], env: {}, network: 'none' },
      },
      pool: [],
    });
    const env = { ...dk.env, HOOKS_CONTAINER_ENGINE: dk.bin };
    const sync = await execa(BIN, ['agents-sync', '--config', cfg, '--json'], { env, reject: false });
    expect(sync.exitCode, sync.stderr).toBe(0);
    expect((JSON.parse(sync.stdout) as Array<{ action: string }>).map((r) => r.action)).toEqual(['created', 'created']);
    const { default: Database } = await import('better-sqlite3');
    const agentsDb = new Database(join(dir, 'data/hooks.db'), { readonly: true });
    try {
      expect(agentsDb.prepare('SELECT name, mode FROM agents ORDER BY name').all()).toEqual([
        { name: 'box-default', mode: 'container' },
        { name: 'slow-default', mode: 'container' },
      ]);
    } finally {
      agentsDb.close();
    }

    const serve = execa(BIN, ['serve', '--config', cfg], { env, reject: false, all: true });
    try {
      const http = client(port);
      await waitFor('serve to answer', async () => (await http.get('/healthz')).status === 200, 20_000);

      const ok = await http.post('/task', { agent: 'box-default', payload: { hello: 'box' } });
      const done = await waitFor('box task done', async () => {
        const t = await http.task(String(ok.json['id']));
        return t['status'] === 'succeeded' ? t : null;
      });
      expect(String(done['output'])).toContain('{"hello":"box"} from box-default');

      // The dashboard's agents table (GET /overview) shows each container's state, read from the engine.
      const containerOf = async (agent: string) => {
        const agents = (await http.get('/overview')).json['agents'] as Array<Record<string, unknown>>;
        return agents.find((a) => a['name'] === agent)?.['container'];
      };
      expect(await containerOf('box-default')).toBe('running');
      expect((await dk.docker(['stop', '-t', '1', `${name}-box-default`])).exitCode).toBe(0);
      await waitFor('the overview to show the container stopped', async () => (await containerOf('box-default')) === 'stopped', 10_000);
      const status = await execa(BIN, ['status', '--config', cfg], { env, reject: false });
      expect(status.stdout).toMatch(/box-default +box +container +any +idle +stopped/);
      const again = await http.post('/task', { agent: 'box-default', payload: { n: 2 } });
      await waitFor('task after auto-start', async () => (await http.task(String(again.json['id'])))['status'] === 'succeeded');
      expect(String((await dk.docker(['inspect', '-f', '{{.State.Running}}', `${name}-box-default`])).stdout).trim()).toBe('true');
      await waitFor('the overview to show it running again', async () => (await containerOf('box-default')) === 'running', 10_000);

      const slow = await http.post('/task', { agent: 'slow-default', payload: {} });
      const slowId = String(slow.json['id']);
      await waitFor(
        'slow task running in the container',
        async () => (await dk.docker(['exec', `${name}-slow-default`, 'sh', '-c', `test -f /tmp/hooks-${slowId}.pid`])).exitCode === 0,
      );
      serve.kill('SIGTERM');
      const result = await serve;
      expect(result.exitCode, String(result.all)).toBe(0);
      expect(String(result.all)).toMatch(/force-abort/);

      const marker = await dk.docker(['exec', `${name}-slow-default`, 'cat', `/tmp/got-term-${slowId}`]);
      expect(String(marker.stdout).trim()).toBe('TERM');
      const ps = await dk.docker(['exec', `${name}-slow-default`, 'ps', '-o', 'args']);
      expect(String(ps.stdout)).not.toContain('sleep 1000');
      const db = new Database(join(dir, 'data/hooks.db'), { readonly: true });
      try {
        expect(db.prepare('SELECT status, reason FROM task_history WHERE id = ?').get(slowId)).toEqual({
          status: 'cancelled',
          reason: 'shutdown',
        });
      } finally {
        db.close();
      }
    } finally {
      serve.kill('SIGKILL');
      await serve.catch(() => undefined);
    }
  });

  it('with the engine down, agents-sync exits 69 naming the socket and writes nothing to the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooks-serve-down-'));
    const cfg = writeServeConfig(dir, {
      service: { db: join(dir, 'data/hooks.db') },
      types: { box: { mode: 'container', image: BUSYBOX_IMAGE, command: ['cat'], env: {}, network: 'none' } },
      pool: [],
    });
    const socket = join(dir, 'no-engine.sock');
    const r = await execa(BIN, ['agents-sync', '--config', cfg], {
      env: { DOCKER_HOST: `unix://${socket}`, HOOKS_CONTAINER_ENGINE: dk.bin },
      reject: false,
    });
    expect(r.exitCode, r.stderr).toBe(69);
    expect(r.stderr).toContain(socket);
    expect(existsSync(join(dir, 'data/hooks.db'))).toBe(false);
  });
});
