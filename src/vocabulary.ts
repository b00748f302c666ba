/**
 * The project's vocabularies, each defined once as a const tuple. Types, route schemas, the
 * store's counts, SQL CHECK constraints, the CLI and the journal catalog derive from these.
 */

/** Every status a task row can have, in lifecycle order. */
export const TASK_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'crashed'] as const;

/** One of {@link TASK_STATUSES}. */
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The statuses a finished task can end in (everything after `running`). */
export const END_STATUSES = ['succeeded', 'failed', 'cancelled', 'crashed'] as const satisfies readonly TaskStatus[];

/** One of {@link END_STATUSES}. */
export type EndStatus = (typeof END_STATUSES)[number];

/** True when `value` names a task status. */
export function isTaskStatus(value: string): value is TaskStatus {
  return (TASK_STATUSES as readonly string[]).includes(value);
}

/** The journal's SHUTDOWN_PHASE values, in the order a stop goes through them. */
export const SHUTDOWN_PHASES = ['signal', 'drain', 'abort', 'cleanup', 'bye'] as const;

/** One of {@link SHUTDOWN_PHASES}. */
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

/** The service's life-cycle steps that have a journal catalog entry: start-up, READY, then each shutdown phase. */
export const CATALOG_STEPS = ['startup', 'ready', ...SHUTDOWN_PHASES] as const;

/** One of {@link CATALOG_STEPS}. */
export type CatalogStep = (typeof CATALOG_STEPS)[number];
