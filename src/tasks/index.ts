/**
 * `hooksctl/tasks`: the durable task queue behind `hooksctl serve`.
 *
 * The task store port ({@link TaskStore}) with its embedded SQLite backend (better-sqlite3, WAL), a per-agent dispatcher that runs them
 * through a {@link TaskRunner}, the agents table synced from config, and crash recovery at
 * boot (rows a crash left `running` become `crashed` and may be re-queued). The dispatcher's
 * busy()/hold()/whenIdle()/abortAll() surface is what the drain in `hooksctl/shutdown` waits on.
 */
export { openTaskStore } from './open-store.js';
export { openSqliteStore } from './sqlite/store.js';
export type {
  AgentRow,
  AgentSpec,
  AgentSync,
  EnqueueResult,
  NewTask,
  RetryResult,
  TaskEnd,
  TaskPage,
  TaskPageQuery,
  TaskStore,
} from './store.js';
export { createDispatcher } from './dispatcher.js';
export type { BusyTask, CancelResult, DispatchEvent, Dispatcher, DispatcherOptions, RunContext, TaskRunner } from './dispatcher.js';
export { recoverAtBoot } from './recovery.js';
export type { RecoveryReport } from './recovery.js';
export { agentSpecs } from './agents.js';
export { TASK_STATUSES, END_STATUSES, isTaskStatus } from '../vocabulary.js';
export type { TaskStatus, EndStatus } from '../vocabulary.js';
export type { TaskRow, TaskView } from './types.js';
