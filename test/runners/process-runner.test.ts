// The process-mode runner over a fake supervisor: argv, env, stdin, callbacks, abort, outcome mapping.
import { describe, expect, it } from 'vitest';
import { createProcessRunner, superviseTask, taskEnv } from '../../src/runners/process-runner.js';
import { aborted, cancelledBy, fakeSupervisor, instances, outcome, runContext, taskRow } from './runner-fixtures.js';

const BASE = { PATH: '/usr/bin', HOME: '/home/h', SHARED: 'base' };

// A runner for one `dev-default` instance over `sup`.
function runner(
  sup: ReturnType<typeof fakeSupervisor>,
  type = { command: ['agent', '--run', 'x y'], env: { SHARED: 'type', TOKEN: 't' } },
) {
  return createProcessRunner({
    instances: instances('dev-default', type),
    env: BASE,
    cwd: '/srv/work',
    graceMs: 750,
    supervisor: sup.load,
  });
}

describe('createProcessRunner', () => {
  it('fails a task for an unknown agent without loading the supervisor', async () => {
    const sup = fakeSupervisor(() => outcome({ type: 'exited', code: 0 }));
    const end = await runner(sup)(taskRow({ agent: 'nope' }), runContext().ctx);
    expect(end).toEqual({ status: 'failed', reason: 'unknown-agent', exitCode: null });
    expect(sup.loads()).toBe(0);
  });

  it("runs the type's command in cwd with the payload on stdin, the grace and the task's abort signal", async () => {
    const sup = fakeSupervisor(() => outcome({ type: 'exited', code: 0 }));
    const { ctx } = runContext();
    await runner(sup)(taskRow({ payload: '{"hello":"world"}' }), ctx);
    expect(sup.runs).toHaveLength(1);
    const run = sup.runs[0];
    expect(run).toMatchObject({ command: ['agent', '--run', 'x y'], cwd: '/srv/work', input: '{"hello":"world"}', graceMs: 750 });
    expect(run?.signal).toBe(ctx.signal);
    expect(run?.timeoutMs).toBeUndefined();
  });

  it("gives the child the base env, then the type's env, then HOOKS_TASK_ID, HOOKS_AGENT and HOOKS_ATTEMPT", async () => {
    const sup = fakeSupervisor(() => outcome({ type: 'exited', code: 0 }));
    await runner(sup)(taskRow({ id: 'abc', attempt: 3 }), runContext().ctx);
    expect(sup.runs[0]?.env).toEqual({
      ...BASE,
      SHARED: 'type',
      TOKEN: 't',
      HOOKS_TASK_ID: 'abc',
      HOOKS_AGENT: 'dev-default',
      HOOKS_ATTEMPT: '3',
    });
  });

  it('reports the spawn with the PID and its start time, and each output chunk as activity', async () => {
    const sup = fakeSupervisor(
      (o) => {
        o.onSpawn?.(777);
        o.onStdout?.('a');
        o.onStderr?.('b');
        o.onStdout?.('c');
        return outcome({ type: 'exited', code: 0 }, { stdoutTail: 'ac', stderrTail: 'b' });
      },
      new Map([[777, 123456]]),
    );
    const rc = runContext();
    const end = await runner(sup)(taskRow(), rc.ctx);
    expect(rc.spawned).toEqual([[777, 123456]]);
    expect(rc.activity()).toBe(3);
    expect(end).toEqual({ status: 'succeeded', reason: null, exitCode: 0, output: 'ac\n--- stderr ---\nb' });
  });

  it('reports a null start time when the PID is not in /proc any more', async () => {
    const sup = fakeSupervisor((o) => {
      o.onSpawn?.(778);
      return outcome({ type: 'exited', code: 0 });
    });
    const rc = runContext();
    await runner(sup)(taskRow(), rc.ctx);
    expect(rc.spawned).toEqual([[778, null]]);
  });

  it.each(['shutdown', 'user'])(
    'an abort (%s) reaches the supervisor, whose cancelled outcome ends the task cancelled with that reason',
    async (reason) => {
      const sup = fakeSupervisor(async (o) => {
        o.onSpawn?.(9);
        await aborted(o.signal);
        return cancelledBy(o.signal);
      });
      const rc = runContext();
      const pending = runner(sup)(taskRow(), rc.ctx);
      await new Promise((r) => setImmediate(r));
      expect(sup.runs).toHaveLength(1);
      rc.abort(reason);
      expect(await pending).toEqual({ status: 'cancelled', reason, exitCode: null, output: null });
    },
  );

  it('a task that had already exited when the abort came keeps its real result', async () => {
    const rc = runContext();
    const sup = fakeSupervisor(() => {
      rc.abort('shutdown');
      return outcome({ type: 'exited', code: 4 });
    });
    expect(await runner(sup)(taskRow(), rc.ctx)).toMatchObject({ status: 'failed', reason: 'exit-code', exitCode: 4 });
  });

  it.each([
    [outcome({ type: 'exited', code: 0 }), { status: 'succeeded', reason: null, exitCode: 0 }],
    [outcome({ type: 'exited', code: 2 }), { status: 'failed', reason: 'exit-code', exitCode: 2 }],
    [outcome({ type: 'signaled', signal: 'SIGKILL' }), { status: 'failed', reason: 'signal:SIGKILL', exitCode: null }],
    [outcome({ type: 'timeout' }, { exitCode: 143 }), { status: 'failed', reason: 'timeout', exitCode: 143 }],
    [
      outcome({ type: 'spawn-failed', error: 'spawn agent ENOENT' }, { pid: null }),
      { status: 'failed', reason: 'spawn-failed', exitCode: null, output: 'spawn agent ENOENT' },
    ],
  ])('maps the supervisor outcome %# to the task end', async (o, end) => {
    expect(await runner(fakeSupervisor(() => o))(taskRow(), runContext().ctx)).toMatchObject(end);
  });

  it('loads the supervisor for each run through the injected loader', async () => {
    const sup = fakeSupervisor(() => outcome({ type: 'exited', code: 0 }));
    const run = runner(sup);
    await run(taskRow(), runContext().ctx);
    await run(taskRow({ id: 't-2' }), runContext().ctx);
    expect(sup.loads()).toBe(2);
    expect(sup.runs.map((r) => r.env?.['HOOKS_TASK_ID'])).toEqual(['t-1', 't-2']);
  });
});

describe('taskEnv', () => {
  it("lets the HOOKS_* variables win over the type's env and the base", () => {
    const inst = instances('a', { env: { HOOKS_TASK_ID: 'spoofed', X: '1' } }).get('a');
    if (!inst) throw new Error('fixture');
    expect(taskEnv({ HOOKS_AGENT: 'spoofed', X: '0' }, inst, taskRow({ id: 'real', agent: 'a', attempt: 1 }))).toEqual({
      X: '1',
      HOOKS_TASK_ID: 'real',
      HOOKS_AGENT: 'a',
      HOOKS_ATTEMPT: '1',
    });
  });
});

describe('superviseTask with the real supervisor (the default)', () => {
  it('runs a real child: payload on stdin, env, spawn and activity reported', async () => {
    const rc = runContext();
    const o = await superviseTask(
      ['sh', '-c', 'cat; printf " %s" "$HOOKS_TASK_ID"'],
      { PATH: process.env['PATH'], HOOKS_TASK_ID: 'real-1' },
      taskRow({ payload: '{"p":1}' }),
      rc.ctx,
      rc.ctx.signal,
      { cwd: '/', graceMs: 500 },
    );
    expect(o).toMatchObject({ type: 'exited', code: 0, stdoutTail: '{"p":1} real-1' });
    expect(rc.spawned).toHaveLength(1);
    expect(rc.spawned[0]?.[0]).toBe(o.pid);
    expect(rc.spawned[0]?.[1]).toEqual(expect.any(Number));
    expect(rc.activity()).toBeGreaterThan(0);
  });
});
