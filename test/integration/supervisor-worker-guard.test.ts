// The worker exit guard in real worker processes, spawned by the real supervisor: exit 143 on
// SIGTERM despite a live interval and socket, 129 on SIGHUP, the opt-in, and the deadman for a
// main thread stuck in a synchronous loop. Needs `npm run build` (the fixture imports dist/).
import { describe, expect, it } from 'vitest';
import { spawnSupervised } from '../../src/supervisor/index.js';
import { fixture, killAll, pidAfter, survivors, waitFor } from '../harness/processes.js';

/** Start the guarded worker fixture under the supervisor and wait until it is ready. */
async function worker(args: string[], env?: Record<string, string | undefined>, graceMs = 15_000) {
  let output = '';
  const handle = spawnSupervised({
    command: [process.execPath, fixture('worker-guarded.mjs'), ...args],
    graceMs,
    waitDelayMs: 2000,
    onStdout: (c) => {
      output += c;
    },
    ...(env === undefined ? {} : { env }),
  });
  const pid = await waitFor(() => pidAfter(output, 'ready'), 30_000, 'the worker to be ready');
  return { handle, pid, output: () => output };
}

/** Start the worker, stop it (cancel, or `stop(pid)`), and return its outcome once no process of it survives. */
async function stopped(args: string[], env?: Record<string, string | undefined>, stop?: (pid: number) => void, graceMs?: number) {
  const { handle, pid } = await worker(args, env, graceMs);
  try {
    if (stop === undefined) handle.cancel('drain');
    else stop(pid);
    const outcome = await handle.outcome;
    expect(await survivors([pid])).toEqual([]);
    return outcome;
  } finally {
    killAll([pid]);
  }
}

describe('worker exit guard: real worker processes', () => {
  it('exits 143 on SIGTERM after its cleanup, though an interval and a socket are still alive', async () => {
    const outcome = await stopped([]);
    expect(outcome).toMatchObject({ type: 'cancelled', forced: false, exitCode: 143, exitSignal: null });
    expect(outcome.stdoutTail).toContain('cleanup: done');
    expect(outcome.stderrTail).toContain('SIGTERM: cleaning up');
    expect(outcome.phases.graceMs).toBeLessThan(10_000);
  });

  it('exits 129 on SIGHUP', async () => {
    const outcome = await stopped([], undefined, (pid) => process.kill(pid, 'SIGHUP'));
    expect(outcome).toMatchObject({ type: 'exited', code: 129, forced: false });
    expect(outcome.stdoutTail).toContain('cleanup: done');
  });

  it('without the opt-in env var the guard stays out of the way (Node default: killed by SIGTERM)', async () => {
    const outcome = await stopped([], { PATH: '/usr/bin:/bin', HOOKS_WORKER_GUARD: '0' });
    expect(outcome).toMatchObject({ type: 'cancelled', forced: false, exitCode: null, exitSignal: 'SIGTERM' });
    expect(outcome.stdoutTail).not.toContain('cleanup');
  });

  it('a cleanup that never settles is cut at its deadline: logs what keeps the process alive, exits 143', async () => {
    const outcome = await stopped(['hang']);
    expect(outcome).toMatchObject({ type: 'cancelled', forced: false, exitCode: 143, exitSignal: null });
    expect(outcome.stderrTail).toMatch(/cleanup did not finish within 300 ms; forcing exit 143; still active: .*Timeout/);
    expect(outcome.stdoutTail).not.toContain('cleanup: done');
  });

  it('the deadman SIGKILLs a worker whose cleanup is stuck in while(true){}, and logs what was active', async () => {
    const outcome = await stopped(['stuck']);
    // The supervisor's grace is 15 s: the SIGKILL came from the worker's own deadman, not from the supervisor.
    expect(outcome).toMatchObject({ type: 'cancelled', forced: false, exitCode: null, exitSignal: 'SIGKILL' });
    expect(outcome.stdoutTail).toContain('cleanup: start');
    expect(outcome.stderrTail).toMatch(/deadman fired .*still active at the signal: .*TCPServerWrap/);
    expect(outcome.phases.graceMs).toBeGreaterThanOrEqual(700);
    expect(outcome.phases.graceMs).toBeLessThan(10_000);
  });

  it('a main thread stuck before any signal cannot run the guard: the supervisor SIGKILLs after the grace', async () => {
    const outcome = await stopped(['spin'], undefined, undefined, 1000);
    expect(outcome).toMatchObject({ type: 'cancelled', forced: true, exitSignal: 'SIGKILL' });
    expect(outcome.phases.graceMs).toBeGreaterThanOrEqual(990);
    expect(outcome.phases.graceMs).toBeLessThan(8000);
  });
});
