// The wait delay (like Go's exec.Cmd.WaitDelay) against real process trees: grandchildren that
// hold the stdout pipe, in the process group and escaped from it with setsid(1).
import { describe, expect, it } from 'vitest';
import { spawnSupervised } from '../../src/supervisor/index.js';
import { isAlive, readProcStat } from '../../src/supervisor/proc.js';
import { fixture, killAll, pidAfter, survivors, waitFor } from '../harness/processes.js';

/** Spawn a tree fixture and wait for it to print both PIDs. */
async function tree(name: string, child: string, args: string[], options: { graceMs: number; waitDelayMs: number }) {
  let output = '';
  const handle = spawnSupervised({
    command: [fixture(name), ...args],
    ...options,
    onStdout: (c) => {
      output += c;
    },
  });
  const pids = await waitFor(
    () => {
      const leader = pidAfter(output, 'leader');
      const other = pidAfter(output, child);
      return leader !== undefined && other !== undefined ? { leader, other } : undefined;
    },
    15_000,
    `${name} to print its PIDs`,
  );
  return { handle, ...pids };
}

describe('supervisor: wait delay and process trees', () => {
  it('cancel kills a grandchild that inherited stdout and sleeps 1000 s (same group)', async () => {
    const { handle, leader, other } = await tree('sup-grandchild.sh', 'grandchild', [], { graceMs: 2000, waitDelayMs: 1000 });
    try {
      expect(readProcStat(other)?.pgrp).toBe(leader);
      handle.cancel('stop the tree');
      const outcome = await handle.outcome;
      expect(outcome).toMatchObject({ type: 'cancelled', reason: 'stop the tree', forced: false, pipesClosedByWaitDelay: false });
      expect(outcome.phases.totalMs).toBeLessThan(15_000);
      expect(await survivors([leader, other])).toEqual([]);
    } finally {
      killAll([leader, other]);
    }
  });

  it('a leader that exits while its grandchild holds stdout: the wait delay fires, the straggler is killed', async () => {
    const { handle, leader, other } = await tree('sup-grandchild.sh', 'grandchild', ['leave'], { graceMs: 2000, waitDelayMs: 700 });
    try {
      const outcome = await handle.outcome;
      expect(outcome).toMatchObject({ type: 'exited', code: 0, forced: false, pipesClosedByWaitDelay: true, stragglersKilled: true });
      expect(outcome.phases.waitDelayMs).toBeGreaterThanOrEqual(690);
      expect(outcome.phases.waitDelayMs).toBeLessThan(8000);
      expect(await survivors([leader, other])).toEqual([]);
    } finally {
      killAll([leader, other]);
    }
  });

  it('a grandchild that escaped the group with setsid keeps the pipe: the wait delay still resolves the run', async () => {
    const { handle, leader, other } = await tree('sup-escaped.sh', 'escaped', [], { graceMs: 500, waitDelayMs: 800 });
    try {
      await waitFor(() => readProcStat(other)?.pgrp === other, 10_000, 'setsid to take effect');
      handle.cancel();
      const outcome = await handle.outcome;
      expect(outcome).toMatchObject({ type: 'cancelled', forced: false, pipesClosedByWaitDelay: true });
      expect(outcome.phases.waitDelayMs).toBeGreaterThanOrEqual(790);
      expect(outcome.phases.totalMs).toBeLessThan(15_000);
      expect(await survivors([leader])).toEqual([]);
      // Outside our group, so not ours to signal: the supervisor leaves it; the test cleans it up.
      expect(isAlive(other)).toBe(true);
    } finally {
      killAll([leader, other]);
    }
  });
});
