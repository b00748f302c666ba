/** The opt-in env var for the worker exit guard; the supervisor sets it for the children it spawns. */
import type { Env } from '../runtime.js';

/** The env var that turns the exit guard on (`HOOKS_WORKER_GUARD=1`). */
export const WORKER_GUARD_ENV = 'HOOKS_WORKER_GUARD';

/** True when `env` opts in to the exit guard (`1`, `true` or `yes`). */
export function isGuardEnabled(env: Env): boolean {
  const value = env[WORKER_GUARD_ENV]?.trim().toLowerCase();
  return value === '1' || value === 'true' || value === 'yes';
}
