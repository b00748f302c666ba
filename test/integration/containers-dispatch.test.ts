// Container-mode tasks against a real dockerd: the orphan guard (SIGTERM reaches the in-container
// process, nothing from the task survives, SIGKILL after the grace) and "no silent limbo"
// (a stopped container is started before the exec; a missing one fails clearly; one whose
// cgroup was removed under it, so every exec fails, is restarted).
import { execa } from 'execa';
import { existsSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile } from '../../src/containers/reconcile.js';
import { containerTaskCommand, ensureContainerRunning } from '../../src/containers/task-exec.js';
import { createEngine, type ContainerEngine } from '../../src/containers/engine.js';
import { killTaskInContainer } from '../../src/containers/orphan-guard.js';
import { startDocker, type DockerSandbox } from '../harness/docker.js';
import { busyboxType, containerState, makeFleet, waitFor, type TestFleet } from '../harness/fleet.js';

const FIXTURES = dirname(fileURLToPath(new URL('../fixtures/container-task.sh', import.meta.url)));
let dk: DockerSandbox;
let fleet: TestFleet;
let engine: ContainerEngine;
let container: string;
const type = busyboxType({ command: ['/fixtures/container-task.sh'], mounts: [`${FIXTURES}:/fixtures:ro`] });

beforeAll(async () => {
  dk = await startDocker();
  fleet = makeFleet();
  engine = createEngine({ env: dk.env, bin: dk.bin });
  const instances = fleet.write({ agent: type });
  const [created] = await reconcile({ engine, serviceName: fleet.serviceName, instances });
  expect(created).toMatchObject({ action: 'created' });
  container = created?.container ?? '';
});
afterAll(async () => {
  fleet?.cleanup();
  await dk?.stop();
});

// Start a task's `docker exec` client the way the supervisor would, with a payload on stdin.
function startTask(taskId: string, command: readonly string[], env: Record<string, string> = {}) {
  const [bin, ...args] = containerTaskCommand({ engine, container, taskId, agent: 'agent-default', command, env });
  return execa(bin ?? '', args, { env: engine.env, extendEnv: false, reject: false, input: `payload-of-${taskId}` });
}
// PIDs inside the container whose environment carries the task's ID.
async function taskProcesses(taskId: string): Promise<string[]> {
  const script = `for d in /proc/[0-9]*; do tr '\\0' '\\n' < $d/environ 2>/dev/null | grep -qx HOOKS_TASK_ID=${taskId} && echo \${d#/proc/}; done; true`;
  return String((await dk.docker(['exec', container, 'sh', '-c', script])).stdout)
    .split('\n')
    .filter(Boolean);
}
const exists = async (path: string) => (await dk.docker(['exec', container, 'test', '-f', path])).exitCode === 0;
const uniqueTask = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}`;

describe('containers: orphan guard', () => {
  it('a force-aborted task gets SIGTERM inside the container and leaves no process behind', async () => {
    const taskId = uniqueTask('term');
    const client = startTask(taskId, ['/fixtures/container-task.sh']);
    await waitFor(() => exists(`/tmp/ready-${taskId}`), 'the task to be ready');
    expect(String((await dk.docker(['exec', container, 'cat', `/tmp/payload-${taskId}`])).stdout)).toBe(`payload-of-${taskId}`);
    expect(await exists(`/tmp/hooks-${taskId}.pid`)).toBe(true);
    client.kill('SIGKILL');
    await client;
    expect((await taskProcesses(taskId)).length).toBeGreaterThanOrEqual(2);

    const result = await killTaskInContainer({ engine, container, taskId, graceMs: 5000 });
    expect(result).toEqual({ found: true, signalled: 'TERM' });
    expect(String((await dk.docker(['exec', container, 'cat', `/tmp/got-term-${taskId}`])).stdout).trim()).toBe('term');
    expect(await taskProcesses(taskId)).toEqual([]);
    expect(String((await dk.docker(['exec', container, 'ps'])).stdout)).not.toContain('sleep 1000');
    expect(await exists(`/tmp/hooks-${taskId}.pid`)).toBe(false);
  });

  it('a task that ignores SIGTERM is killed after the grace', async () => {
    const taskId = uniqueTask('kill');
    const client = startTask(taskId, ['/fixtures/container-task.sh'], { IGNORE_TERM: '1' });
    await waitFor(() => exists(`/tmp/ready-${taskId}`), 'the task to be ready');
    const started = Date.now();
    const result = await killTaskInContainer({ engine, container, taskId, graceMs: 600 });
    expect(result).toEqual({ found: true, signalled: 'KILL' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(String((await dk.docker(['exec', container, 'cat', `/tmp/got-term-${taskId}`])).stdout).trim()).toBe('ignored');
    expect(await taskProcesses(taskId)).toEqual([]);
    expect((await client).exitCode).not.toBe(0);
  });

  it('reports nothing found for a finished task, and an error (without throwing) for a missing container', async () => {
    expect(await killTaskInContainer({ engine, container, taskId: uniqueTask('none'), graceMs: 100 })).toEqual({
      found: false,
      signalled: null,
    });
    const gone = await killTaskInContainer({ engine, container: `${fleet.serviceName}-no-such`, taskId: 'x', graceMs: 100 });
    expect(gone).toMatchObject({ found: false, signalled: null, error: expect.stringContaining('No such container') });
  });
});

describe('containers: no silent limbo at dispatch', () => {
  it('a container stopped with docker stop is started first, then the task runs to success', async () => {
    expect((await dk.docker(['stop', '-t', '1', container])).exitCode).toBe(0);
    expect((await containerState(dk, container))?.running).toBe(false);
    expect(await ensureContainerRunning(engine, container)).toBe('started');
    expect(await ensureContainerRunning(engine, container)).toBe('running');
    const taskId = uniqueTask('ok');
    const r = await startTask(taskId, ['sh', '-c', 'read p; echo "ok $HOOKS_AGENT $p $AGENT_FLAVOUR"']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout).trim()).toBe(`ok agent-default payload-of-${taskId} plain`);
  });

  it('a container that cannot be started fails clearly with hooks.containers.unavailable', async () => {
    await expect(ensureContainerRunning(engine, `${fleet.serviceName}-no-such`)).rejects.toMatchObject({
      code: 'hooks.containers.unavailable',
      exitCode: 69,
    });
    const broken = `${fleet.serviceName}-broken`;
    expect(
      (
        await dk.docker([
          'create',
          '--name',
          broken,
          '--network',
          'none',
          '--volume',
          '/nonexistent-hooks-dir/x:/x',
          'hooks-busybox:latest',
          'true',
        ])
      ).exitCode,
    ).toBe(0);
    try {
      await expect(ensureContainerRunning(engine, broken)).rejects.toMatchObject({ code: 'hooks.containers.unavailable' });
    } finally {
      await dk.docker(['rm', '-f', broken]);
    }
  });
});

describe('containers: a running container that refuses exec', () => {
  it('is restarted before dispatch when its cgroup was removed under it', async () => {
    const id = (await containerState(dk, container))?.id ?? '';
    const cg = `/sys/fs/cgroup/devices/docker/${id}`;
    expect(existsSync(cg), `this test needs cgroup v1 devices at ${cg}`).toBe(true);
    for (const pid of readFileSync(`${cg}/cgroup.procs`, 'utf8').split('\n').filter(Boolean))
      writeFileSync('/sys/fs/cgroup/devices/cgroup.procs', pid);
    rmdirSync(cg);
    expect((await dk.docker(['exec', container, 'true'])).exitCode).not.toBe(0);
    expect(await ensureContainerRunning(engine, container)).toBe('started');
    const r = await startTask(uniqueTask('after-restart'), ['sh', '-c', 'read p; echo "ok $p"']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
  });
});
