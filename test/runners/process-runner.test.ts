// The process-mode runner over a fake supervisor: argv, env, stdin, callbacks, abort, outcome mapping.
import { describe, expect, it } from 'vitest';
import { agentProcessEnv } from '../../src/runners/agent-env.js';
import { createProcessRunner, superviseTask } from '../../src/runners/process-runner.js';
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

  it("gives the child the baseline of the service env (not the rest), then the type's env, then the HOOKS_* variables", async () => {
    const sup = fakeSupervisor(() => outcome({ type: 'exited', code: 0 }));
    await runner(sup)(taskRow({ id: 'abc', attempt: 3 }), runContext().ctx);
    expect(sup.runs[0]?.env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/h',
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

describe('agentProcessEnv', () => {
  it("lets the HOOKS_* variables win over the type's env and the base", () => {
    const inst = instances('a', { env: { HOOKS_TASK_ID: 'spoofed', X: '1' }, pass_env: ['X', 'HOOKS_AGENT'] }).get('a');
    if (!inst) throw new Error('fixture');
    const none = { directory: undefined, files: {} };
    expect(
      agentProcessEnv({ HOOKS_AGENT: 'spoofed', X: '0' }, inst, taskRow({ id: 'real', agent: 'a', attempt: 1 }), undefined, none),
    ).toEqual({
      X: '1',
      HOOKS_TASK_ID: 'real',
      HOOKS_AGENT: 'a',
      HOOKS_ATTEMPT: '1',
    });
  });
});

describe('the agent keys in the process runner', () => {
  const WS = { cwd: '/srv/repo', home: '/var/lib/hooks/agents/dev-default/home', stateDir: '/var/lib/hooks/agents/dev-default' };
  const SERVICE_ENV = {
    PATH: '/usr/bin',
    LANG: 'C.UTF-8',
    LC_ALL: 'C',
    HOME: '/root',
    HOOKS_TOKEN: 'service-secret',
    CREDENTIALS_DIRECTORY: '/run/credentials/x.service',
    ANTHROPIC_BASE_URL: 'http://proxy',
    OTHER: 'no',
  };
  // A runner for one instance with the given agent keys and a workspace.
  function keyed(sup: ReturnType<typeof fakeSupervisor>, keys: Record<string, unknown>, made: string[] = [], failDir?: string) {
    return createProcessRunner({
      instances: instances('dev-default', { command: ['agent'], ...keys }),
      env: SERVICE_ENV,
      cwd: '/srv/work',
      graceMs: 750,
      supervisor: sup.load,
      workspaces: new Map([['dev-default', WS]]),
      credentials: { directory: '/run/credentials/x.service', files: { 'api-key': '/etc/agent/key' } },
      makeDir: (dir) => {
        if (dir === failDir) throw Object.assign(new Error('nope'), { code: 'EROFS' });
        made.push(dir);
      },
    });
  }

  it('runs in the workspace cwd with HOME, pass_env, <NAME>_FILE and nothing of the service secrets', async () => {
    const sup = fakeSupervisor(() => outcome({ type: 'exited', code: 0 }));
    const made: string[] = [];
    await keyed(sup, { pass_env: ['ANTHROPIC_BASE_URL', 'UNSET_ONE'], credentials: ['api-key'] }, made)(taskRow(), runContext().ctx);
    expect(made).toEqual([WS.stateDir, WS.home]);
    expect(sup.runs[0]?.cwd).toBe('/srv/repo');
    expect(sup.runs[0]?.env).toEqual({
      PATH: '/usr/bin',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      HOME: WS.home,
      ANTHROPIC_BASE_URL: 'http://proxy',
      API_KEY_FILE: '/run/credentials/x.service/api-key',
      HOOKS_TASK_ID: 't-1',
      HOOKS_AGENT: 'dev-default',
      HOOKS_ATTEMPT: '2',
    });
  });

  it('hands timeout_ms and no_output_timeout_ms to the supervisor, whose outcomes end failed/<kind>', async () => {
    const sup = fakeSupervisor(() => outcome({ type: 'no-output-timeout' }, { exitCode: null, exitSignal: 'SIGTERM' }));
    const end = await keyed(sup, { timeout_ms: 60000, no_output_timeout_ms: 2000 })(taskRow(), runContext().ctx);
    expect(sup.runs[0]).toMatchObject({ timeoutMs: 60000, noOutputTimeoutMs: 2000, graceMs: 750 });
    expect(end).toMatchObject({ status: 'failed', reason: 'no-output-timeout' });
    const timed = await keyed(
      fakeSupervisor(() => outcome({ type: 'timeout' })),
      { timeout_ms: 5 },
    )(taskRow(), runContext().ctx);
    expect(timed).toMatchObject({ status: 'failed', reason: 'timeout' });
  });

  it('cuts the stored output past max_output_bytes with a marker, and the task still succeeds', async () => {
    const sup = fakeSupervisor((o) => {
      for (let i = 0; i < 10; i += 1) o.onStdout?.('0123456789');
      return outcome({ type: 'exited', code: 0 }, { stdoutTail: '0123456789'.repeat(10) });
    });
    const end = await keyed(sup, { max_output_bytes: 25 })(taskRow(), runContext().ctx);
    expect(end.status).toBe('succeeded');
    expect(end.output).toBe(
      '[hooksctl: output cut: the agent wrote 100 bytes, max_output_bytes is 25; the last bytes up to it follow]\n5678901234567890123456789',
    );
  });

  it('writes every chunk to the task output log opened with max_output_bytes, and closes it', async () => {
    const sup = fakeSupervisor((o) => {
      o.onStdout?.('out');
      o.onStderr?.('err');
      return outcome({ type: 'exited', code: 0 });
    });
    const chunks: string[] = [];
    const opened: Array<[string, number | null]> = [];
    let closed = 0;
    const run = createProcessRunner({
      instances: instances('dev-default', { max_output_bytes: 99 }),
      env: {},
      cwd: '/srv',
      graceMs: 10,
      supervisor: sup.load,
      outputLog: (task, max) => {
        opened.push([task.id, max]);
        return { write: (c) => chunks.push(c), close: () => (closed += 1) };
      },
    });
    await run(taskRow(), runContext().ctx);
    expect(opened).toEqual([['t-1', 99]]);
    expect(chunks).toEqual(['out', 'err']);
    expect(closed).toBe(1);
  });

  it('fails the task (workspace-unavailable) without spawning when its state directory cannot be made', async () => {
    const sup = fakeSupervisor(() => outcome({ type: 'exited', code: 0 }));
    const end = await keyed(sup, {}, [], WS.stateDir)(taskRow(), runContext().ctx);
    expect(end).toMatchObject({ status: 'failed', reason: 'workspace-unavailable', output: expect.stringContaining('EROFS') });
    expect(sup.runs).toHaveLength(0);
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
