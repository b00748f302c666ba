// `hooksctl serve` with container-mode agents against a real dockerd: a task sent to an agent
// whose container was stopped with `docker stop` runs to success after an automatic start, and
// a container task force-aborted by the drain gets SIGTERM inside the container, leaving nothing behind.
import { execa } from 'execa';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { busyboxType, containerState, useDockerFleet } from '../harness/fleet.js';
import { BIN, client, freePort, waitFor } from '../harness/serve.js';

const FIXTURES = dirname(fileURLToPath(new URL('../fixtures/container-task.sh', import.meta.url)));
const ctx = useDockerFleet();

const env = () => ctx.cliEnv();
const inContainer = async (container: string, script: string) =>
  String((await ctx.dk.docker(['exec', container, 'sh', '-c', script])).stdout).trim();

describe('serve: container-mode tasks', () => {
  it('auto-starts a stopped container for a task, and the drain signals an aborted task inside its container', async () => {
    const port = await freePort();
    ctx.fleet.write(
      {
        quick: busyboxType({ command: ['sh', '-c', 'read p; echo "quick $HOOKS_AGENT $p"'] }),
        slow: busyboxType({ command: ['/fixtures/container-task.sh'], mounts: [`${FIXTURES}:/fixtures:ro`] }),
      },
      [],
      {
        service: { port },
        shutdown: { drain_ms: 500, abort_grace_ms: 4000, cleanup_ms: 2000, margin_ms: 1000, requeue: false },
      },
    );
    const sync = await execa(BIN, ['agents-sync', '--config', ctx.fleet.configPath], { env: env(), extendEnv: false, reject: false });
    expect(sync.exitCode, sync.stderr).toBe(0);
    const quick = `${ctx.fleet.serviceName}-quick-default`;
    const slow = `${ctx.fleet.serviceName}-slow-default`;
    expect((await ctx.dk.docker(['stop', '-t', '1', quick])).exitCode).toBe(0);

    const serve = execa(process.execPath, [BIN, 'serve', '--config', ctx.fleet.configPath], {
      env: env(),
      extendEnv: false,
      reject: false,
      all: true,
    });
    try {
      const http = client(port);
      await waitFor('serve to listen', async () => (await http.get('/tasks').catch(() => null))?.status === 200, 30_000);

      const ok = await http.post('/task', { agent: 'quick-default', payload: 'hi' });
      expect(ok.status).toBe(202);
      const done = await waitFor('the quick task to end', async () => {
        const t = await http.task(String(ok.json['id']));
        return ['succeeded', 'failed', 'cancelled', 'crashed'].includes(String(t['status'])) ? t : null;
      });
      expect(done).toMatchObject({ status: 'succeeded', exit_code: 0 });
      expect((await containerState(ctx.dk, quick))?.running).toBe(true);

      const long = await http.post('/task', { agent: 'slow-default', payload: 'long' });
      const taskId = String(long.json['id']);
      await waitFor(
        'the slow task to be ready in its container',
        async () => (await ctx.dk.docker(['exec', slow, 'test', '-f', `/tmp/ready-${taskId}`])).exitCode === 0,
      ).catch(async (error: Error) => {
        throw new Error(
          `${error.message}; task: ${JSON.stringify(await http.task(taskId))}; container: ${await inContainer(slow, 'ps; ls /tmp')}; serve: ${String((serve.kill('SIGKILL'), await serve).all)}`,
        );
      });
      serve.kill('SIGTERM');
      const ended = await serve;
      expect(ended.exitCode, String(ended.all)).toBe(0);
      expect(await inContainer(slow, `cat /tmp/got-term-${taskId}`)).toBe('term');
      const survivors = await inContainer(
        slow,
        `for d in /proc/[0-9]*; do tr '\\0' '\\n' < $d/environ 2>/dev/null | grep -qx HOOKS_TASK_ID=${taskId} && echo \${d#/proc/}; done; true`,
      );
      expect(survivors).toBe('');
    } finally {
      if (serve.exitCode === undefined || serve.exitCode === null) serve.kill('SIGKILL');
      await serve;
    }
  });
});
