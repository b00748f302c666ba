/**
 * `hooksctl/supervisor`: running child processes so none outlives its task.
 *
 * Each child runs in its own process group (setpgid(2)); on timeout or cancel the group gets
 * SIGTERM, then SIGKILL after a grace (the same escalation systemd.kill(5) applies to a unit),
 * and stdio is waited for at most a wait delay. The outcome says how it ended. Liveness checks
 * use /proc/<pid>/stat start times (proc(5)) so a recycled PID is never mistaken for the child;
 * the reaper finds recorded tasks whose process is gone.
 */
export { runSupervised } from './run.js';
export { spawnSupervised } from './spawn.js';
export type { SupervisedProcess } from './spawn.js';
export { DEFAULT_WAIT_DELAY_MS, validateRunOptions } from './options.js';
export type { RunOptions } from './options.js';
export type { Outcome, OutcomeDetails, OutcomeKind, OutcomePhases } from './outcome.js';
export { isAlive, processGroupExists, processStartTime } from './proc.js';
export { groupOwnership, signalGroup } from './group.js';
export type { GroupSignalResult } from './group.js';
export { findDeadTasks, reapOnce, startReaper } from './reaper.js';
export type { FindDeadTasksOptions, ReapableTask, ReaperOptions } from './reaper.js';
