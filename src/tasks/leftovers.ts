/**
 * Before crash recovery requeues a task, make sure its old run is gone: a crash (SIGKILL,
 * power loss) can leave a detached process group, or a process inside an agent container
 * (started through `docker exec`, outside the service's cgroup), still running.
 */
import type { AgentInstance } from '../config/instances.js';
import type { TaskRow } from './types.js';

/** How to stop one leftover run, per mode. */
export interface LeftoverKillers {
  /** SIGKILL a process group we recorded (pid is the group id; start time proves it is still ours). */
  processGroup(pid: number, startTime: number | null): Promise<void> | void;
  /** Stop the task's processes inside its agent's container. */
  inContainer(agent: string, taskId: string): Promise<void>;
}

/** Stop every leftover run of `rows` (tasks still marked running). Never throws. */
export async function stopLeftovers(
  rows: readonly TaskRow[],
  instances: ReadonlyMap<string, AgentInstance>,
  kill: LeftoverKillers,
  log: (message: string) => void,
): Promise<void> {
  await Promise.all(
    rows.map(async (row) => {
      try {
        if (instances.get(row.agent)?.type.mode === 'container') await kill.inContainer(row.agent, row.id);
        else if (row.pid !== null) await kill.processGroup(row.pid, row.pid_start);
      } catch (error) {
        log(`could not stop the leftover run of task ${row.id}: ${(error as Error).message}`);
      }
    }),
  );
}
