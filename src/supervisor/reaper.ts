/**
 * The reaper: find "running" tasks whose process has died, become a zombie, or been replaced
 * by a stranger with the same PID, so the service can mark them `crashed` and re-run them.
 */
import { isAlive, processStartTime } from './proc.js';

/** What the reaper needs to know about a task. */
export interface ReapableTask {
  /** The PID recorded at spawn; null when none was recorded. */
  pid: number | null;
  /** The process start time recorded at spawn ({@link processStartTime}); checked when given. */
  startTime?: number | null;
}

/** Options for {@link findDeadTasks}. */
export interface FindDeadTasksOptions {
  /** How to treat a task without a PID: `dead` (default; a claim without a process) or `skip`. */
  nullPid?: 'dead' | 'skip';
}

/** True when the task's process is gone, a zombie, or a different process with the same PID. */
function isDead(task: ReapableTask, nullPid: 'dead' | 'skip'): boolean {
  if (task.pid === null) return nullPid === 'dead';
  if (!isAlive(task.pid)) return true;
  return typeof task.startTime === 'number' && processStartTime(task.pid) !== task.startTime;
}

/**
 * The "running" tasks that no longer have a live, matching process. A task without a PID
 * counts as dead unless `nullPid: 'skip'` (call it for tasks past their spawn, or skip them).
 */
export function findDeadTasks<T extends ReapableTask>(tasks: readonly T[], options: FindDeadTasksOptions = {}): T[] {
  const nullPid = options.nullPid ?? 'dead';
  return tasks.filter((task) => isDead(task, nullPid));
}

/** Options for {@link startReaper}. */
export interface ReaperOptions<T extends ReapableTask> {
  /** The tasks the store believes are running. */
  list: () => readonly T[] | Promise<readonly T[]>;
  /** Mark the dead ones `crashed` (so the service can re-run them). */
  markCrashed: (tasks: T[]) => void | Promise<void>;
  /** Time between sweeps, in ms. */
  intervalMs: number;
  /** Stops the reaper. */
  signal?: AbortSignal;
  /** Called when a sweep throws; the reaper keeps going. */
  onError?: (error: unknown) => void;
  /** See {@link FindDeadTasksOptions.nullPid}. */
  nullPid?: 'dead' | 'skip';
}

/** Sweep once: list, find the dead, mark them. Returns the tasks marked. */
export async function reapOnce<T extends ReapableTask>(options: Omit<ReaperOptions<T>, 'intervalMs' | 'signal'>): Promise<T[]> {
  const dead = findDeadTasks(await options.list(), options.nullPid === undefined ? {} : { nullPid: options.nullPid });
  if (dead.length > 0) await options.markCrashed(dead);
  return dead;
}

/** Sweep every `intervalMs` until stopped; returns the stop function (the timer does not hold the process open). */
export function startReaper<T extends ReapableTask>(options: ReaperOptions<T>): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
  const tick = (): void => {
    reapOnce(options)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs).unref();
      });
  };
  if (options.signal?.aborted === true) return stop;
  options.signal?.addEventListener('abort', stop, { once: true });
  timer = setTimeout(tick, 0).unref();
  return () => {
    options.signal?.removeEventListener('abort', stop);
    stop();
  };
}
