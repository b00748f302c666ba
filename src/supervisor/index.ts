/** The child-process supervisor: spawn in a process group, escalate, wait delay, outcome, liveness, reaper. */
export { runSupervised } from './run.js';
export { spawnSupervised } from './spawn.js';
export type { SupervisedProcess } from './spawn.js';
export { DEFAULT_WAIT_DELAY_MS, validateRunOptions } from './options.js';
export type { RunOptions } from './options.js';
export type { Outcome, OutcomeDetails, OutcomeKind, OutcomePhases } from './outcome.js';
export { isAlive, parseProcStat, processGroupExists, processStartTime, readProcStat } from './proc.js';
export type { ProcStat } from './proc.js';
export { groupOwnership, signalGroup } from './group.js';
export type { GroupSignalResult } from './group.js';
export { findDeadTasks, reapOnce, startReaper } from './reaper.js';
export type { FindDeadTasksOptions, ReapableTask, ReaperOptions } from './reaper.js';
