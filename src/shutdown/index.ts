/**
 * `hooksctl/shutdown`: the graceful drain of a service under systemd.
 *
 * On SIGTERM (systemd.kill(5), KillMode=mixed) a service refuses new work, sends STOPPING=1
 * (sd_notify(3)), waits for in-flight work, force-aborts what is left, cleans up and says bye,
 * logging each step with SHUTDOWN_PHASE=signal/drain/abort/cleanup/bye. All of it must fit
 * TimeoutStopSec= (systemd.service(5)), or be held off with EXTEND_TIMEOUT_USEC= (extend mode).
 *
 * - {@link createDrain}: the coordinator.
 * - {@link planDrain} / {@link checkBudget} and friends: the budget math shared by the runtime and the validator.
 * - {@link buildTimelines}: read the phases back from `journalctl -o json`.
 */
export { createDrain } from './drain.js';
export type { BusyTask, Drain, DrainableWork, DrainDeps, DrainReport, Extension, PhaseLog, SettledTask } from './drain.js';
export type { DrainState } from './state.js';
export { SHUTDOWN_PHASES } from '../vocabulary.js';
export type { ShutdownPhase } from '../vocabulary.js';
export {
  budgetFromConfig,
  checkBudget,
  hardCapMs,
  planDrain,
  planDrainFromConfig,
  requiredTimeoutStopMs,
  resolveTimeoutStopMs,
  tailMs,
  DEFAULT_TIMEOUT_STOP_MS,
  EXTEND_MIN_TIMEOUT_STOP_MS,
  EXTEND_STALL_MS,
  USER_MANAGER_STOP_CAP_MS,
} from './budget.js';
export type { BudgetFinding, BudgetInput, DrainPlan } from './budget.js';
export { buildTimelines, formatTimeline } from './phases.js';
export type { JournalJson, PhaseTask, ShutdownTimeline } from './phases.js';
