// Liveness and the reaper against real processes: a zombie is dead, a reused PID is not ours,
// and the reaper marks a task crashed once its process has died.
import { describe, expect, it } from 'vitest';
import { spawnSupervised } from '../../src/supervisor/index.js';
import { findDeadTasks, startReaper } from '../../src/supervisor/reaper.js';
import { groupOwnership } from '../../src/supervisor/group.js';
import { isAlive, processStartTime, readProcStat } from '../../src/supervisor/proc.js';
import { fixture, killAll, pidAfter, survivors, waitFor } from '../harness/processes.js';

describe('supervisor: liveness and the reaper', () => {
  it('isAlive reports a zombie dead, and its living parent alive', async () => {
    let output = '';
    const handle = spawnSupervised({
      command: [fixture('sup-zombie.sh')],
      graceMs: 2000,
      onStdout: (c) => {
        output += c;
      },
    });
    const pids = await waitFor(
      () => {
        const leader = pidAfter(output, 'leader');
        const zombie = pidAfter(output, 'zombie');
        return leader !== undefined && zombie !== undefined ? { leader, zombie } : undefined;
      },
      15_000,
      'the zombie fixture to print its PIDs',
    );
    try {
      await waitFor(() => readProcStat(pids.zombie)?.state === 'Z', 10_000, 'the child to become a zombie');
      expect(isAlive(pids.zombie)).toBe(false);
      expect(isAlive(pids.leader)).toBe(true);
      expect(
        findDeadTasks([
          { id: 'z', pid: pids.zombie },
          { id: 'l', pid: pids.leader },
        ]).map((t) => t.id),
      ).toEqual(['z']);
      handle.cancel();
      expect(await handle.outcome).toMatchObject({ type: 'cancelled', forced: false });
      expect(await survivors([pids.leader, pids.zombie])).toEqual([]);
    } finally {
      killAll([pids.leader]);
    }
  });

  it('findDeadTasks: a live matching process stays; dead, reused-looking and PID-less tasks are returned', async () => {
    const handle = spawnSupervised({ command: [fixture('sup-silent.sh')], graceMs: 2000 });
    const pid = handle.pid ?? -1;
    try {
      const startTime = processStartTime(pid);
      expect(startTime).not.toBeNull();
      const tasks = [
        { id: 'live', pid, startTime },
        { id: 'reused', pid, startTime: (startTime ?? 0) + 1 },
        { id: 'no-pid', pid: null },
        { id: 'gone', pid: 2 ** 22 + 17 },
      ];
      expect(findDeadTasks(tasks).map((t) => t.id)).toEqual(['reused', 'no-pid', 'gone']);
      expect(findDeadTasks(tasks, { nullPid: 'skip' }).map((t) => t.id)).toEqual(['reused', 'gone']);
      expect(groupOwnership(pid, startTime)).toBe('sent');
      expect(groupOwnership(pid, (startTime ?? 0) + 1)).toBe('not-ours');
      expect(groupOwnership(pid, null)).toBe('not-ours');
      expect(groupOwnership(pid, null, true)).toBe('sent');
    } finally {
      handle.cancel();
      await handle.outcome;
      killAll([pid]);
    }
    expect(groupOwnership(pid, null)).toBe('gone');
  });

  it('the reaper marks a running task crashed once its process dies', async () => {
    const handle = spawnSupervised({ command: [fixture('sup-silent.sh')], graceMs: 2000 });
    const pid = handle.pid ?? -1;
    const task = { id: 't1', pid, startTime: processStartTime(pid), status: 'running' };
    const crashed: string[] = [];
    const controller = new AbortController();
    const stop = startReaper({
      list: () => [task].filter((t) => t.status === 'running'),
      markCrashed: (dead) => {
        for (const t of dead) {
          t.status = 'crashed';
          crashed.push(t.id);
        }
      },
      intervalMs: 50,
      signal: controller.signal,
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(crashed).toEqual([]);
      process.kill(pid, 'SIGKILL');
      await waitFor(() => crashed.length > 0, 10_000, 'the reaper to mark the task');
      expect(crashed).toEqual(['t1']);
      expect(task.status).toBe('crashed');
      expect((await handle.outcome).type).toBe('signaled');
    } finally {
      controller.abort();
      stop();
      killAll([pid]);
    }
  });
});
