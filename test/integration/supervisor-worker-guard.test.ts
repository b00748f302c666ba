// The worker exit guard in real worker processes, spawned by the real supervisor: exit 143 on
// SIGTERM despite a live interval and socket, 129 on SIGHUP, the opt-in, and the deadman for a
// main thread stuck in a synchronous loop. Needs `npm run build` (the fixture imports dist/).
import { describe, expect, it } from 'vitest';
import { spawnSupervised } from '../../src/supervisor/index.js';
import { fixture, killAll, pidAfter, survivors, waitFor } from '../harness/processes.js';

/** Start the guarded worker fixture under the supervisor and wait until it is ready. */
async function worker(args: string[], env?: Record<string, string | undefined>) {
  let output = '';
  const handle = spawnSupervised({
    command: [process.execPath, fixture('worker-guarded.mjs'), ...args], graceMs: 15_000, waitDelayMs: 2000,
    onStdout: (c) => { output += c; }, ...(env === undefined ? {} : { env }),
  });
  const pid = await waitFor(() => pidAfter(output, 'ready'), 30_000, 'the worker to be ready');
  return { handle, pid, output: () => output };
}

describe('worker exit guard: real worker processes', () => {
  it('exits 143 on SIGTERM after its cleanup, though an interval and a socket are still alive', async () => {
    const { handle, pid } = await worker([]);
    try {
      handle.cancel('drain');
      const outcome = await handle.outcome;
      expect(outcome).toMatchObject({ type: 'cancelled', forced: false, exitCode: 143, exitSignal: null });
      expect(outcome.stdoutTail).toContain('cleanup: done');
      expect(outcome.stderrTail).toContain('SIGTERM: cleaning up');
      expect(outcome.phases.graceMs).toBeLessThan(10_000);
      expect(await survivors([pid])).toEqual([]);
    } finally { killAll([pid]); }
  });

  it('exits 129 on SIGHUP', async () => {
    const { handle, pid } = await worker([]);
    try {
      process.kill(pid, 'SIGHUP');
      const outcome = await handle.outcome;
      expect(outcome).toMatchObject({ type: 'exited', code: 129, forced: false });
      expect(outcome.stdoutTail).toContain('cleanup: done');
    } finally { killAll([pid]); }
  });

  it('without the opt-in env var the guard stays out of the way (Node default: killed by SIGTERM)', async () => {
    const { handle, pid } = await worker([], { PATH: '/usr/bin:/bin', HOOKS_WORKER_GUARD: '0' });
    try {
      handle.cancel();
      const outcome = await handle.outcome;
      expect(outcome).toMatchObject({ type: 'cancelled', forced: false, exitCode: null, exitSignal: 'SIGTERM' });
      expect(outcome.stdoutTail).not.toContain('cleanup');
    } finally { killAll([pid]); }
  });

  it('a cleanup that never settles is cut at its deadline: logs what keeps the process alive, exits 143', async () => {
    const { handle, pid } = await worker(['hang']);
    try {
      handle.cancel();
      const outcome = await handle.outcome;
      expect(outcome).toMatchObject({ type: 'cancelled', forced: false, exitCode: 143, exitSignal: null });
      expect(outcome.stderrTail).toMatch(/cleanup did not finish within 300 ms; forcing exit 143; still active: .*Timeout/);
      expect(outcome.stdoutTail).not.toContain('cleanup: done');
      expect(await survivors([pid])).toEqual([]);
    } finally { killAll([pid]); }
  });

  it('the deadman SIGKILLs a worker whose cleanup is stuck in while(true){}, and logs what was active', async () => {
    const { handle, pid } = await worker(['stuck']);
    try {
      handle.cancel();
      const outcome = await handle.outcome;
      // The supervisor's grace is 15 s: the SIGKILL came from the worker's own deadman, not from the supervisor.
      expect(outcome).toMatchObject({ type: 'cancelled', forced: false, exitCode: null, exitSignal: 'SIGKILL' });
      expect(outcome.stdoutTail).toContain('cleanup: start');
      expect(outcome.stderrTail).toMatch(/deadman fired .*still active at the signal: .*TCPServerWrap/);
      expect(outcome.phases.graceMs).toBeGreaterThanOrEqual(700);
      expect(outcome.phases.graceMs).toBeLessThan(10_000);
      expect(await survivors([pid])).toEqual([]);
    } finally { killAll([pid]); }
  });
});
