/** The worker exit guard and its parts. */
export { installExitGuard, signalExitCode } from './exit-guard.js';
export type { ExitGuardOptions } from './exit-guard.js';
export { startDeadmanThread } from './deadman.js';
export type { Deadman, DeadmanThreadOptions } from './deadman.js';
export { flushStreams } from './flush.js';
export { isGuardEnabled, WORKER_GUARD_ENV } from './opt-in.js';
