/**
 * `hooksctl/worker`: the exit guard for a task process run by the supervisor.
 *
 * On SIGTERM/SIGHUP (signal(7)) the guard runs cleanup under a deadline, flushes stdio and exits
 * 128 + signo even when handles keep the event loop alive; a deadman thread SIGKILLs a main
 * thread that hangs. Opt-in through `HOOKS_WORKER_GUARD=1`, which the supervisor sets.
 */
export { installExitGuard, signalExitCode } from './exit-guard.js';
export type { ExitGuardOptions } from './exit-guard.js';
export { startDeadmanThread } from './deadman.js';
export type { Deadman, DeadmanThreadOptions } from './deadman.js';
export { flushStreams } from './flush.js';
export { isGuardEnabled, WORKER_GUARD_ENV } from './opt-in.js';
