/**
 * `hooksctl/tasks`: the durable task queue behind `hooksctl serve`.
 *
 * A SQLite store (better-sqlite3, WAL) of task rows, a per-agent dispatcher that runs them
 * through a {@link TaskRunner}, the agents table synced from config, and crash recovery at
 * boot (rows a crash left `running` become `crashed` and may be re-queued). The dispatcher's
 * busy()/hold()/whenIdle()/abortAll() surface is what the drain in `hooksctl/shutdown` waits on.
 */
export { openDatabase } from './db.js';
export type { Database } from './db.js';
export { createTaskStore } from './store.js';
export type { EnqueueResult, NewTask, TaskEnd, TaskStore } from './store.js';
export { createDispatcher } from './dispatcher.js';
export type { BusyTask, DispatchEvent, Dispatcher, DispatcherOptions, RunContext, TaskRunner } from './dispatcher.js';
export { recoverAtBoot } from './recovery.js';
export type { RecoveryReport } from './recovery.js';
export { listAgents, syncAgents } from './agents.js';
export type { AgentRow } from './agents.js';
export type { TaskRow, TaskStatus, TaskView } from './types.js';
