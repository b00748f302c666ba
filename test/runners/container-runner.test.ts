// The container-mode runner over a fake engine and a fake supervisor: start first, the exec argv,
// the orphan guard on abort (before the exec client is stopped), and the failure reasons.
import { describe, expect, it } from 'vitest';
import { HooksError } from '../../src/errors.js';
import type { EngineCallOptions } from '../../src/containers/engine.js';
import { createContainerRunner } from '../../src/runners/container-runner.js';
import { createFakeTime } from '../harness/fake-time.js';
import { fakeEngine, type FakeEngineScript } from './fake-engine.js';
import { aborted, cancelledBy, fakeSupervisor, instances, outcome, runContext, taskRow } from './runner-fixtures.js';

const CONTAINER = 'claude-hooks-dev-default';
const GRACE = 1500;
const TERM_GUARD = { exitCode: 0, stdout: '{"found":true,"signalled":"TERM"}', stderr: '' };

// A runner for one container-mode `dev-default` instance over a fake engine and supervisor.
function setup(
  run: Parameters<typeof fakeSupervisor>[0] = () => outcome({ type: 'exited', code: 0 }),
  script: Partial<FakeEngineScript> = {},
) {
  const fake = fakeEngine(CONTAINER, script);
  const sup = fakeSupervisor(run);
  const logs: Array<[string, Record<string, string>]> = [];
  let engines = 0;
  const runner = createContainerRunner({
    instances: instances('dev-default', { mode: 'container', image: 'busybox', command: ['agent', '--task'], env: { K: 'v' } }),
    serviceName: 'claude-hooks',
    engine: () => {
      engines += 1;
      return fake.engine;
    },
    env: { PATH: '/usr/bin', SHARED: 'base' },
    cwd: '/srv',
    graceMs: GRACE,
    log: (m, f) => logs.push([m, f]),
    supervisor: sup.load,
  });
  return { runner, fake, sup, logs, engines: () => engines };
}

// Wait until the runner has handed the exec client to the supervisor.
async function untilSupervised(sup: ReturnType<typeof fakeSupervisor>): Promise<void> {
  for (let i = 0; i < 100 && sup.runs.length === 0; i += 1) await new Promise((r) => setImmediate(r));
  if (sup.runs.length === 0) throw new Error('the runner never started the exec client');
}

describe('createContainerRunner', () => {
  it('fails a task for an unknown agent without asking for an engine', async () => {
    const t = setup();
    expect(await t.runner(taskRow({ agent: 'nope' }), runContext().ctx)).toEqual({
      status: 'failed',
      reason: 'unknown-agent',
      exitCode: null,
    });
    expect(t.engines()).toBe(0);
    expect(t.sup.loads()).toBe(0);
  });

  it('checks a running container takes an exec, then runs the task through docker exec -i with the pid-file wrapper', async () => {
    const t = setup(() => outcome({ type: 'exited', code: 0 }, { stdoutTail: 'done' }));
    const { ctx } = runContext();
    const end = await t.runner(taskRow({ id: 'job-7', payload: '{"x":1}' }), ctx);
    expect(end).toEqual({ status: 'succeeded', reason: null, exitCode: 0, output: 'done' });
    expect(t.fake.verbs()).toEqual(['inspect', 'exec']);
    expect(t.fake.calls[1]?.args).toEqual([CONTAINER, 'sh', '-c', 'exit 0']);
    expect(t.sup.runs).toHaveLength(1);
    const run = t.sup.runs[0];
    expect(run?.command).toEqual([
      '/usr/bin/docker',
      'exec',
      '-i',
      '-e',
      'K=v',
      '-e',
      'HOOKS_TASK_ID=job-7',
      '-e',
      'HOOKS_AGENT=dev-default',
      CONTAINER,
      'sh',
      '-c',
      'echo $$ > /tmp/hooks-job-7.pid; exec "$@"',
      'sh',
      'agent',
      '--task',
    ]);
    expect(run).toMatchObject({ cwd: '/srv', input: '{"x":1}', graceMs: GRACE });
    // The client runs with the engine's env (DOCKER_HOST) over the base env; the task's env goes in via -e.
    expect(run?.env).toEqual({ PATH: '/usr/bin', SHARED: 'engine', DOCKER_HOST: 'unix:///fake.sock' });
    // The client gets its own signal, not the task's: the guard decides when it is stopped.
    expect(run?.signal).toBeInstanceOf(AbortSignal);
    expect(run?.signal).not.toBe(ctx.signal);
    expect(t.logs).toEqual([]);
  });

  it("reports the exec client's spawn and output to the dispatcher", async () => {
    const t = setup((o) => {
      o.onSpawn?.(31);
      o.onStdout?.('x');
      o.onStderr?.('y');
      return outcome({ type: 'exited', code: 0 });
    });
    const rc = runContext();
    await t.runner(taskRow(), rc.ctx);
    expect(rc.spawned).toEqual([[31, null]]);
    expect(rc.activity()).toBe(2);
  });

  it.each([
    ['stopped', ['inspect', 'start', 'inspect', 'exec']],
    ['paused', ['inspect', 'unpause', 'inspect', 'exec']],
  ] as const)('starts a %s container first and logs it', async (state, verbs) => {
    const t = setup(undefined, { state });
    expect(await t.runner(taskRow(), runContext().ctx)).toMatchObject({ status: 'succeeded' });
    expect(t.fake.verbs()).toEqual(verbs);
    expect(t.logs).toEqual([
      [`container ${CONTAINER} was stopped: started it before task t-1`, { CONTAINER, TASK_ID: 't-1', ACTION: 'started' }],
    ]);
    expect(t.sup.runs).toHaveLength(1);
  });

  it('restarts a running container that refuses exec', async () => {
    const t = setup(undefined, { execWorks: false });
    expect(await t.runner(taskRow(), runContext().ctx)).toMatchObject({ status: 'succeeded' });
    expect(t.fake.calls.map((c) => [c.verb, c.args[0]])).toEqual([
      ['inspect', CONTAINER],
      ['exec', CONTAINER],
      ['call', 'restart'],
      ['inspect', CONTAINER],
      ['exec', CONTAINER],
    ]);
  });

  it("fails container-unavailable, naming the cause, when the container does not exist; nothing is exec'd", async () => {
    const t = setup(undefined, { state: null });
    const end = await t.runner(taskRow(), runContext().ctx);
    expect(end).toMatchObject({ status: 'failed', reason: 'container-unavailable', exitCode: null });
    expect(end.output).toBe(`Container ${CONTAINER} is unavailable: no such container (run \`hooksctl agents-sync\`)`);
    expect(t.sup.loads()).toBe(0);
  });

  it("fails container-unavailable with the engine's own message when the engine is down", async () => {
    const down = new HooksError(
      'hooks.containers.engine_unavailable',
      'Container engine unavailable at unix:///fake.sock: no engine answered (Cannot connect to the Docker daemon)',
    );
    const t = setup(undefined, { down });
    const end = await t.runner(taskRow(), runContext().ctx);
    expect(end).toEqual({
      status: 'failed',
      reason: 'container-unavailable',
      exitCode: null,
      output: `Container ${CONTAINER} is unavailable: ${down.message}`,
    });
    expect(t.sup.runs).toHaveLength(0);
  });

  it('fails container-unavailable when a started container will not take an exec', async () => {
    const t = setup(undefined, { state: 'stopped', execWorks: false });
    const end = await t.runner(taskRow(), runContext().ctx);
    expect(end).toMatchObject({
      status: 'failed',
      reason: 'container-unavailable',
      output: expect.stringContaining('runs but `exec` into it fails'),
    });
  });

  it('an abort while the container is being checked ends the task cancelled with the reason, not failed', async () => {
    const t = setup(undefined, { beforeInspect: (signal) => aborted(signal) });
    const rc = runContext();
    const pending = t.runner(taskRow(), rc.ctx);
    await new Promise((r) => setImmediate(r));
    rc.abort('user');
    expect(await pending).toEqual({ status: 'cancelled', reason: 'user', exitCode: null });
    expect(t.sup.loads()).toBe(0);
  });

  it('an abort that lands as the container check succeeds still cancels the task, and starts no exec client', async () => {
    const t = setup(async (o) => {
      await aborted(o.signal);
      return cancelledBy(o.signal);
    });
    const rc = runContext();
    // The probe exec completes, and the abort arrives before the runner goes on.
    const exec = t.fake.engine.exec.bind(t.fake.engine);
    t.fake.engine.exec = async (...args) => {
      const r = await exec(...args);
      rc.abort('shutdown');
      return r;
    };
    const end = await Promise.race([
      t.runner(taskRow(), rc.ctx),
      new Promise((r) => setTimeout(() => r('hung: the task ran on after the abort'), 2000)),
    ]);
    expect(end).toEqual({ status: 'cancelled', reason: 'shutdown', exitCode: null });
    expect(t.sup.runs).toHaveLength(0);
  });

  describe('abort while the task runs', () => {
    it('runs the orphan guard in the container (task id, pid file, grace), then stops the exec client: cancelled with the reason', async () => {
      let clientStopped: AbortSignal | undefined;
      const guardCalls: Array<EngineCallOptions | undefined> = [];
      const t = setup(
        async (o) => {
          // The exec client exits by itself once the guard's SIGTERM ended the process inside.
          await aborted(o.signal);
          clientStopped = o.signal;
          return outcome({ type: 'exited', code: 143 }, { stdoutTail: 'partial' });
        },
        {
          guard: (opts) => {
            guardCalls.push(opts);
            return TERM_GUARD;
          },
        },
      );
      const rc = runContext();
      const pending = t.runner(taskRow({ id: 'job-9' }), rc.ctx);
      await untilSupervised(t.sup);
      rc.abort('shutdown');
      expect(await pending).toEqual({ status: 'cancelled', reason: 'shutdown', exitCode: 143, output: 'partial' });
      const guardExec = t.fake.calls.find((c) => c.verb === 'exec' && c.args[3]?.includes('kill -TERM'));
      expect(guardExec?.args.slice(0, 3)).toEqual([CONTAINER, 'sh', '-c']);
      expect(guardExec?.args.slice(4)).toEqual(['sh', 'job-9', '/tmp/hooks-job-9.pid', '15']);
      expect(guardCalls).toEqual([expect.objectContaining({ timeoutMs: GRACE + 30_000 })]);
      expect(clientStopped?.reason).toBe('shutdown');
      expect(t.logs).toEqual([['orphan guard for task job-9: TERM', { TASK_ID: 'job-9', CONTAINER }]]);
    });

    it('stops the exec client only once the guard is done with the process inside', async () => {
      const time = createFakeTime();
      const t = setup(
        async (o) => {
          await aborted(o.signal);
          return cancelledBy(o.signal);
        },
        {
          // The guard's exec takes the whole grace (TERM ignored, then KILL).
          guard: () =>
            new Promise((resolve) =>
              time.timers.setTimeout(() => resolve({ exitCode: 0, stdout: '{"found":true,"signalled":"KILL"}', stderr: '' }), GRACE),
            ),
        },
      );
      const rc = runContext();
      let end: unknown;
      void t.runner(taskRow(), rc.ctx).then((e) => {
        end = e;
      });
      await untilSupervised(t.sup);
      rc.abort('shutdown');
      await time.advance(GRACE - 1);
      expect(t.sup.runs[0]?.signal?.aborted).toBe(false);
      expect(end).toBeUndefined();
      await time.advance(1);
      expect(t.sup.runs[0]?.signal?.aborted).toBe(true);
      expect(end).toEqual({ status: 'cancelled', reason: 'shutdown', exitCode: null, output: null });
      expect(t.logs.map(([m]) => m)).toEqual(['orphan guard for task t-1: KILL']);
    });

    it("when nothing ran inside any more, the supervisor's stop of the client still cancels the task", async () => {
      const t = setup(async (o) => {
        await aborted(o.signal);
        return cancelledBy(o.signal);
      });
      const rc = runContext();
      const pending = t.runner(taskRow(), rc.ctx);
      await untilSupervised(t.sup);
      rc.abort('user');
      expect(await pending).toMatchObject({ status: 'cancelled', reason: 'user' });
      expect(t.logs.map(([m]) => m)).toEqual(['orphan guard for task t-1: nothing running']);
    });

    it('a task that finished by itself before the guard found it keeps its real result', async () => {
      const t = setup(async (o) => {
        await aborted(o.signal);
        return outcome({ type: 'exited', code: 0 }, { stdoutTail: 'ok' });
      });
      const rc = runContext();
      const pending = t.runner(taskRow(), rc.ctx);
      await untilSupervised(t.sup);
      rc.abort('shutdown');
      expect(await pending).toEqual({ status: 'succeeded', reason: null, exitCode: 0, output: 'ok' });
    });

    it('a failing guard is logged with its error, and the client is stopped anyway', async () => {
      const t = setup(
        async (o) => {
          await aborted(o.signal);
          return cancelledBy(o.signal);
        },
        {
          guard: () => {
            throw new Error('container vanished');
          },
        },
      );
      const rc = runContext();
      const pending = t.runner(taskRow(), rc.ctx);
      await untilSupervised(t.sup);
      rc.abort('shutdown');
      expect(await pending).toMatchObject({ status: 'cancelled', reason: 'shutdown' });
      expect(t.logs.map(([m]) => m)).toEqual(['orphan guard for task t-1: nothing running (container vanished)']);
    });

    it('an abort after the task ended runs no guard', async () => {
      const t = setup();
      const rc = runContext();
      expect(await t.runner(taskRow(), rc.ctx)).toMatchObject({ status: 'succeeded' });
      const before = t.fake.calls.length;
      rc.abort('shutdown');
      await new Promise((r) => setImmediate(r));
      expect(t.fake.calls.length).toBe(before);
      expect(t.logs).toEqual([]);
    });
  });
});

describe('createContainerRunner with the agent keys', () => {
  // A runner for an instance with limits, over fake time; the exec client plays a silent agent until the guard acts.
  function limited(keys: Record<string, unknown>) {
    const fake = fakeEngine(CONTAINER, { guard: () => TERM_GUARD });
    const time = createFakeTime();
    const sup = fakeSupervisor(async (o) => {
      o.onSpawn?.(41);
      await aborted(o.signal);
      // The guard's TERM ended the process inside; the client exits 143 by itself.
      return outcome({ type: 'exited', code: 143 });
    });
    const runner = createContainerRunner({
      instances: instances('dev-default', { mode: 'container', image: 'busybox', command: ['agent'], ...keys }),
      serviceName: 'claude-hooks',
      engine: () => fake.engine,
      env: { PATH: '/usr/bin', PASSED: 'p', SECRET: 's' },
      cwd: '/srv',
      graceMs: GRACE,
      log: () => undefined,
      supervisor: sup.load,
      timers: time.timers,
    });
    return { runner, fake, sup, time };
  }

  it('a silent task past no_output_timeout_ms is stopped by the orphan guard and ends failed/no-output-timeout', async () => {
    const t = limited({ no_output_timeout_ms: 1000, cwd: '/work/repo', pass_env: ['PASSED'] });
    const pending = t.runner(taskRow({ id: 'job-3' }), runContext().ctx);
    await untilSupervised(t.sup);
    expect(t.sup.runs[0]?.command.slice(0, 9)).toEqual([
      '/usr/bin/docker',
      'exec',
      '-i',
      '--workdir',
      '/work/repo',
      '-e',
      'PASSED=p',
      '-e',
      'HOOKS_TASK_ID=job-3',
    ]);
    // No limit goes to the supervisor: it would stop only the client and leave the agent running inside.
    expect(t.sup.runs[0]?.noOutputTimeoutMs).toBeUndefined();
    await t.time.advance(1000);
    const end = await pending;
    expect(end).toMatchObject({ status: 'failed', reason: 'no-output-timeout', exitCode: 143 });
    expect(t.fake.calls.some((c) => c.verb === 'exec' && c.args[3]?.includes('kill -TERM'))).toBe(true);
  });

  it('a task past timeout_ms ends failed/timeout the same way', async () => {
    const t = limited({ timeout_ms: 5000 });
    const pending = t.runner(taskRow(), runContext().ctx);
    await untilSupervised(t.sup);
    await t.time.advance(5000);
    expect(await pending).toMatchObject({ status: 'failed', reason: 'timeout' });
  });

  it('an abort that comes after a limit fired runs no second guard, and the limit stays the reason', async () => {
    const t = limited({ no_output_timeout_ms: 1000 });
    const rc = runContext();
    const pending = t.runner(taskRow(), rc.ctx);
    await untilSupervised(t.sup);
    await t.time.advance(1000);
    rc.abort('shutdown');
    expect(await pending).toMatchObject({ status: 'failed', reason: 'no-output-timeout' });
    expect(t.fake.calls.filter((c) => c.verb === 'exec' && c.args[3]?.includes('kill -TERM'))).toHaveLength(1);
  });
});
