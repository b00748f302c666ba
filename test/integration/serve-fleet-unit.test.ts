// The operator's container story, end to end under the real systemd --user and a real dockerd:
// install-unit puts `agents-sync` in ExecStartPre (and no containers-down in ExecStopPost);
// `systemctl --user start` brings the whole fleet up; half of it stopped by hand comes back with
// `systemctl --user restart` while the running half is left alone; tasks then run in every
// container, and stopping the service leaves the fleet running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUSYBOX_IMAGE, startDocker, type DockerSandbox } from '../harness/docker.js';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';
import { BIN, client, freePort, uniqueName, waitFor, writeServeConfig } from '../harness/serve.js';

let dk: DockerSandbox;
let sb: SystemdSandbox;
beforeAll(async () => {
  dk = await startDocker();
  sb = await startSystemd();
}, 120_000);
afterAll(async () => {
  await sb?.stop();
  await dk?.stop();
});

describe('a container fleet under systemd --user', () => {
  it('start brings the fleet up, restart brings back the stopped half, stop leaves it running', async () => {
    const name = uniqueName('hk-fleet');
    const port = await freePort();
    const dir = join(sb.workDir, name);
    const instances = ['box-default', 'box-2', 'box-3', 'box-4'];
    const containers = instances.map((i) => `${name}-${i}`);
    const cfg = writeServeConfig(dir, {
      service: { name, port, db: join(dir, 'data/hooks.db') },
      types: { box: { mode: 'container', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'cat; echo " from $HOOKS_AGENT"'], network: 'none' } },
      pool: instances.slice(1).map((n) => ({ name: n, type: 'box' })),
    });
    // install-unit carries the installing shell's engine address into the unit.
    const install = await sb.run([process.execPath, BIN, 'install-unit', '--user', '--config', cfg], {
      env: { ...dk.env, HOOKS_CONTAINER_ENGINE: dk.bin },
    });
    expect(install.exitCode, `${String(install.stdout)}\n${String(install.stderr)}`).toBe(0);
    const unitText = readFileSync(join(sb.unitDir, `${name}.service`), 'utf8');
    expect(unitText).toMatch(/^ExecStartPre=\S+ \S+ agents-sync --config /m);
    expect(unitText).not.toMatch(/^ExecStopPost=/m);
    expect(unitText).toContain(`DOCKER_HOST=${dk.host}`);

    const state = async () =>
      Promise.all(
        containers.map(async (c) => {
          const r = await dk.docker(['inspect', '-f', '{{.State.Running}} {{.State.StartedAt}}', c]);
          const [running, startedAt] = String(r.stdout).trim().split(' ');
          return { running: running === 'true', startedAt };
        }),
      );

    const start = await sb.systemctl('start', `${name}.service`);
    expect(start.exitCode, String(start.stderr)).toBe(0);
    const up = await state();
    expect(up.map((s) => s.running)).toEqual([true, true, true, true]);

    // Half the fleet stopped by hand: the seed's half-stopped fleet.
    for (const c of [containers[0], containers[2]]) expect((await dk.docker(['stop', '-t', '1', String(c)])).exitCode).toBe(0);
    const restart = await sb.systemctl('restart', `${name}.service`);
    expect(restart.exitCode, String(restart.stderr)).toBe(0);
    expect((await sb.show(`${name}.service`, ['ActiveState'])).ActiveState).toBe('active');
    const after = await state();
    expect(after.map((s) => s.running)).toEqual([true, true, true, true]);
    // The running half was not touched (same start time); the stopped half was started again.
    expect(after[1]?.startedAt).toBe(up[1]?.startedAt);
    expect(after[3]?.startedAt).toBe(up[3]?.startedAt);
    expect(after[0]?.startedAt).not.toBe(up[0]?.startedAt);

    const http = client(port);
    await waitFor('serve to answer', async () => (await http.get('/healthz').catch(() => null))?.status === 200);
    const ids = await Promise.all(
      instances.map(async (agent) => String((await http.post('/task', { agent, payload: { n: agent } })).json['id'])),
    );
    const done = await waitFor('a task done in every container', async () => {
      const tasks = await Promise.all(ids.map((id) => http.task(id)));
      return tasks.every((t) => t['status'] === 'succeeded') ? tasks : null;
    });
    done.forEach((t, i) => expect(String(t['output'])).toContain(`{"n":"${instances[i]}"} from ${instances[i]}`));

    // Containers outlive the service: stopping it does not take the fleet down.
    expect((await sb.systemctl('stop', `${name}.service`)).exitCode).toBe(0);
    expect((await state()).map((s) => s.running)).toEqual([true, true, true, true]);
  }, 180_000);
});
