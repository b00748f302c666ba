// The supervisor against real processes: SIGTERM → grace → SIGKILL to the process group,
// overall and no-output timeouts, natural exits, stdin payload, spawn failures.
import { describe, expect, it } from 'vitest';
import { runSupervised, spawnSupervised } from '../../src/supervisor/index.js';
import type { RunOptions } from '../../src/supervisor/index.js';
import { fixture, killAll, pidAfter, survivors, waitFor } from '../harness/processes.js';

/** Spawn a fixture, wait until it printed its leader PID, and return the handle and its output so far. */
async function started(options: Omit<RunOptions, 'command'> & { command?: readonly string[] }, name: string) {
  let output = '';
  const handle = spawnSupervised({
    command: [fixture(name)],
    ...options,
    onStdout: (c) => {
      output += c;
    },
  });
  const leader = await waitFor(() => pidAfter(output, 'leader'), 15_000, `${name} to print its PID`);
  expect(leader).toBe(handle.pid);
  return { handle, leader, output: () => output };
}

describe('supervisor: escalation against real processes', () => {
  it('a child that exits on SIGTERM: cancelled, not forced, nothing survives', async () => {
    const { handle, leader } = await started({ graceMs: 5000 }, 'sup-exits-on-term.sh');
    try {
      handle.cancel('test cancel');
      const outcome = await handle.outcome;
      expect(outcome).toMatchObject({ type: 'cancelled', reason: 'test cancel', forced: false, exitSignal: 'SIGTERM', pid: leader });
      expect(outcome.phases.graceMs).toBeLessThan(4000);
      expect(await survivors([leader])).toEqual([]);
    } finally {
      killAll([leader]);
    }
  });

  it('a child that ignores SIGTERM: SIGKILL follows after the grace (forced)', async () => {
    const { handle, leader } = await started({ graceMs: 400 }, 'sup-ignores-term.sh');
    try {
      handle.cancel();
      const outcome = await handle.outcome;
      expect(outcome).toMatchObject({ type: 'cancelled', reason: 'cancelled', forced: true, exitSignal: 'SIGKILL', exitCode: null });
      expect(outcome.phases.graceMs).toBeGreaterThanOrEqual(390);
      expect(outcome.phases.graceMs).toBeLessThan(3000);
      expect(outcome.phases.totalMs).toBeLessThan(15_000);
      expect(await survivors([leader])).toEqual([]);
    } finally {
      killAll([leader]);
    }
  });

  it('a child that traps SIGTERM and cleans up for 1 s finishes inside the grace', async () => {
    const { handle, leader, output } = await started({ graceMs: 8000 }, 'sup-slow-cleanup.sh');
    try {
      handle.cancel('drain');
      const outcome = await handle.outcome;
      expect(outcome).toMatchObject({ type: 'cancelled', reason: 'drain', forced: false, exitCode: 0, exitSignal: null });
      expect(outcome.phases.graceMs).toBeGreaterThanOrEqual(900);
      expect(outcome.phases.graceMs).toBeLessThan(7000);
      expect(output()).toContain('cleaned');
      expect(outcome.stdoutTail).toContain('cleaned');
      expect(await survivors([leader])).toEqual([]);
    } finally {
      killAll([leader]);
    }
  });

  it('an AbortSignal cancels with its reason', async () => {
    const controller = new AbortController();
    const { handle, leader } = await started({ graceMs: 5000, signal: controller.signal }, 'sup-exits-on-term.sh');
    try {
      controller.abort('shutting down');
      expect(await handle.outcome).toMatchObject({ type: 'cancelled', reason: 'shutting down', forced: false });
      expect(await survivors([leader])).toEqual([]);
    } finally {
      killAll([leader]);
    }
  });

  it('a child that prints nothing hits the no-output timeout', async () => {
    let pid: number | undefined;
    try {
      const outcome = await runSupervised({
        command: [fixture('sup-silent.sh')],
        graceMs: 2000,
        noOutputTimeoutMs: 500,
        onSpawn: (p) => {
          pid = p;
        },
      });
      expect(outcome).toMatchObject({ type: 'no-output-timeout', forced: false, exitSignal: 'SIGTERM' });
      expect(outcome.phases.runMs).toBeGreaterThanOrEqual(490);
      expect(outcome.phases.runMs).toBeLessThan(10_000);
      expect(await survivors([pid ?? -1])).toEqual([]);
    } finally {
      killAll([pid]);
    }
  });

  it('output keeps the no-output timeout away; the overall timeout still fires', async () => {
    let pid: number | undefined;
    try {
      const script = 'trap "" TERM; while :; do echo tick; sleep 0.1; done';
      const outcome = await runSupervised({
        command: ['sh', '-c', script],
        graceMs: 300,
        noOutputTimeoutMs: 1500,
        timeoutMs: 2000,
        onSpawn: (p) => {
          pid = p;
        },
      });
      expect(outcome).toMatchObject({ type: 'timeout', forced: true, exitSignal: 'SIGKILL' });
      expect(outcome.phases.runMs).toBeGreaterThanOrEqual(1990);
      expect(outcome.stdoutTail).toContain('tick');
      expect(await survivors([pid ?? -1])).toEqual([]);
    } finally {
      killAll([pid]);
    }
  });

  it('a natural exit: the payload reaches stdin, output streams to the callbacks, exit code kept', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const outcome = await runSupervised({
      command: ['sh', '-c', 'read line; echo "got $line"; echo oops >&2; exit 7'],
      input: 'payload-42\n',
      graceMs: 1000,
      onStdout: (c) => out.push(c),
      onStderr: (c) => err.push(c),
    });
    expect(outcome).toMatchObject({
      type: 'exited',
      code: 7,
      forced: false,
      stdoutTail: 'got payload-42\n',
      stderrTail: 'oops\n',
      pipesClosedByWaitDelay: false,
    });
    expect(outcome.phases.graceMs).toBeNull();
    expect(out.join('')).toBe('got payload-42\n');
    expect(err.join('')).toBe('oops\n');
  });

  it('a child killed by a signal of its own is `signaled`; the worker-guard opt-in is set in its env', async () => {
    const outcome = await runSupervised({
      command: ['sh', '-c', 'echo "$HOOKS_WORKER_GUARD"; kill -USR1 $$'],
      graceMs: 1000,
      env: { PATH: '/usr/bin:/bin' },
    });
    expect(outcome).toMatchObject({ type: 'signaled', signal: 'SIGUSR1', forced: false, stdoutTail: '1\n' });
  });

  it('a throwing callback neither crashes the supervisor nor hangs the run', async () => {
    const outcome = await runSupervised({
      command: ['sh', '-c', 'echo a; echo b >&2; exit 4'],
      graceMs: 1000,
      onStdout: () => {
        throw new Error('x');
      },
      onStderr: () => {
        throw new Error('y');
      },
      onSpawn: () => {
        throw new Error('z');
      },
    });
    expect(outcome).toMatchObject({ type: 'exited', code: 4, stdoutTail: 'a\n', stderrTail: 'b\n' });
  });

  it('the tail keeps only the last characters', async () => {
    const outcome = await runSupervised({
      command: ['sh', '-c', 'i=0; while [ $i -lt 500 ]; do echo "line $i"; i=$((i+1)); done'],
      graceMs: 1000,
      tailChars: 20,
    });
    expect(outcome.stdoutTail).toHaveLength(20);
    expect(outcome.stdoutTail.endsWith('line 499\n')).toBe(true);
  });

  it('spawn failures and bad options are outcomes, not rejections', async () => {
    expect(await runSupervised({ command: ['/nonexistent/hooks-no-such-binary'], graceMs: 100 })).toMatchObject({
      type: 'spawn-failed',
      pid: null,
      forced: false,
    });
    const bad = await runSupervised({ command: ['true'], graceMs: -1 });
    expect(bad.type).toBe('spawn-failed');
    expect(bad.type === 'spawn-failed' ? bad.error : '').toContain('`graceMs`');
    const aborted = await runSupervised({ command: ['true'], graceMs: 100, signal: AbortSignal.abort('too late') });
    expect(aborted).toMatchObject({ type: 'cancelled', reason: 'too late', pid: null });
  });
});
