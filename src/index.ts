/**
 * `hooksctl`: what a service embedding the toolkit needs: errors and exit codes, the injected
 * runtime types, sd_notify(3), the journal logger with SHUTDOWN_PHASE=, the watchdog and the
 * EXTEND_TIMEOUT_USEC extender, the drain coordinator and its budget, the child-process
 * supervisor, and `hooksctl serve` itself ({@link runService}, with its config loader).
 *
 * Everything else lives under an area subpath: `hooksctl/systemd`, `hooksctl/shutdown`,
 * `hooksctl/supervisor`, `hooksctl/tasks`, `hooksctl/containers`, `hooksctl/worker`.
 * Explicit named exports only.
 */
export { ExitCode, HooksError, isHooksError } from './errors.js';
export type { ErrorCode, ExitCodeValue, HooksErrorOptions } from './errors.js';
export { systemClock } from './runtime.js';
export type { Clock, Env, Exit, Runtime, SignalSource, TextSink } from './runtime.js';
export { realTimers } from './timers.js';
export type { Timers } from './timers.js';
export { createNotifier } from './systemd/notify/notify.js';
export type { Notifier, NotifierOptions, NotifyFields, NotifyResult } from './systemd/notify/notify.js';
export { createJournalLogger } from './systemd/journal/journal.js';
export type {
  JournalFieldValue,
  JournalLogger,
  JournalLoggerOptions,
  JournalPriority,
  LogEntry,
  ShutdownPhase,
} from './systemd/journal/journal.js';
export { startWatchdog, watchdogUsec } from './systemd/notify/watchdog.js';
export type { WatchdogHandle, WatchdogOptions } from './systemd/notify/watchdog.js';
export { startExtender } from './systemd/notify/extend.js';
export type { ExtenderHandle, ExtenderOptions } from './systemd/notify/extend.js';
export { createDrain } from './shutdown/drain.js';
export type { BusyTask, Drain, DrainableWork, DrainDeps, DrainReport, Extension, PhaseLog, SettledTask } from './shutdown/drain.js';
export type { DrainState } from './shutdown/state.js';
export { checkBudget, hardCapMs, planDrain, requiredTimeoutStopMs, resolveTimeoutStopMs, tailMs } from './shutdown/budget.js';
export type { BudgetFinding, BudgetInput, DrainPlan } from './shutdown/budget.js';
export { runSupervised, spawnSupervised } from './supervisor/index.js';
export type { Outcome, OutcomeDetails, OutcomeKind, OutcomePhases, RunOptions, SupervisedProcess } from './supervisor/index.js';
export { loadConfig, parseConfig } from './config/load.js';
export type { ConfigSource, LoadConfigOptions, LoadedConfig } from './config/load.js';
export type { Config } from './config/schema.js';
export { runService } from './service/index.js';
export type { ServiceOptions } from './service/index.js';
