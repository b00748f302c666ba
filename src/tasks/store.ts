/**
 * The task store port: everything the dispatcher, the routes, recovery and the drain need of
 * `task_history` and the agents table. Every call is async, so a networked backend (a
 * PostgreSQL shared by several hosts) plugs in beside the embedded SQLite one
 * (src/tasks/sqlite/) without touching its callers. Status changes are compare-and-set:
 * each names the status it moves from and reports whether it won.
 */
import type { EndStatus, TaskStatus } from '../vocabulary.js';
import type { Timers } from '../timers.js';
import type { TaskRow } from './types.js';

/** A new task to enqueue. */
export interface NewTask {
  /** The agent instance that runs it. */
  agent: string;
  /** Its JSON payload. */
  payload: unknown;
  /** Where it came from: `http`, `webhook`. */
  source?: string;
  /** A replay of the same key returns the first row instead of a new one. */
  dedupeKey?: string | null;
}

/** How a running task ended. */
export interface TaskEnd {
  /** The end status. */
  status: EndStatus;
  /** Why (`exit-code`, `shutdown`, `user`, ...), or null for a plain success. */
  reason: string | null;
  /** The process's exit code, if it exited. */
  exitCode: number | null;
  /** The tail of its output. */
  output?: string | null;
}

/** Result of {@link TaskStore.enqueue}: the row, and whether it already existed (a replay). */
export interface EnqueueResult {
  /** The stored row. */
  row: TaskRow;
  /** True when the dedupe key matched an existing row. */
  duplicate: boolean;
}

/**
 * Result of {@link TaskStore.retry}: the next attempt, and whether an earlier call had queued it
 * already (this host's, or another's on a shared store). Only the call that queued it announces it.
 */
export interface RetryResult {
  /** The next attempt's row. */
  row: TaskRow;
  /** True when the row already had its next attempt: this call queued nothing. */
  duplicate: boolean;
}

/** One agent instance as the store records it. */
export interface AgentSpec {
  /** Instance name. */
  name: string;
  /** Its type's name. */
  type: string;
  /** How its tasks run. */
  mode: 'process' | 'container';
  /** A fingerprint of its type definition; a change bumps `updated_at`. */
  spec: string;
}

/** One row of the agents table. */
export interface AgentRow extends AgentSpec {
  /** When `spec` last changed (ISO 8601). */
  updated_at: string;
}

/** What {@link TaskStore.syncAgents} did. */
export interface AgentSync {
  /** Every agent row after the sync, by name. */
  agents: AgentRow[];
  /** Ids of queued tasks failed with `unknown-agent`: their agent is no longer configured. */
  orphaned: string[];
}

/** One entry of the event log that SSE clients replay from (`Last-Event-ID`). */
export interface StoredEvent {
  /** Increasing across restarts; the SSE `id:`. */
  id: number;
  /** The event type (`task_queued`, `service_shutdown`, ...). */
  type: string;
  /** The event's JSON payload. */
  data: Record<string, unknown>;
}

/** A query for `TaskStore.page`. */
export interface TaskPageQuery {
  /** Only rows in one of these statuses; absent or empty: every status. */
  statuses?: readonly TaskStatus[];
  /** Only rows of this agent instance; absent: every instance. */
  agent?: string;
  /** At most this many rows (a positive integer). */
  limit: number;
  /** Only rows older than this cursor (the `nextBefore` of the previous page). */
  before?: number;
}

/** One page of rows, newest first, and the cursor of the next (older) page or null when this is the last. */
export interface TaskPage {
  /** The rows, newest first. */
  rows: TaskRow[];
  /** The `before` of the next (older) page, or null when no older row matches. */
  nextBefore: number | null;
}

/** One host as the store saw it. */
export interface HostRow {
  /** Its `service.host_id`. */
  id: string;
  /** When it last sent a heartbeat (ms since the epoch). */
  seen_at: number;
}

/** How a store is opened: who this host is, and how long a claim's lease lasts. */
export interface StoreOptions {
  /** This host's id (`service.host_id`); recorded on every claim. Default `local`. */
  hostId?: string;
  /** How long a claim's lease lasts before another host may reclaim the task (PostgreSQL; `service.lease_ms`). Default 20 s. */
  leaseMs?: number;
  /** The database password (PostgreSQL), from a credential or the environment; never from the config. */
  password?: string | undefined;
  /** Told about connection errors the store survived (an idle connection dropped, LISTEN lost and taken again). */
  onError?: (message: string) => void;
  /** Timers for reconnecting (PostgreSQL's LISTEN); default: the real ones. */
  timers?: Timers;
}

export { LEASE_DEFAULTS } from '../config/defaults.js';

/** Operations on the task store. */
export interface TaskStore {
  /** Insert a queued task (or return the existing one for a replayed dedupe key). */
  enqueue(task: NewTask): Promise<EnqueueResult>;
  /** One row by id. */
  get(id: string): Promise<TaskRow | undefined>;
  /** Rows in a status, oldest first. */
  list(status: TaskStatus, limit?: number): Promise<TaskRow[]>;
  /** Queued rows of these instances only, oldest first: what one host may run, without reading every host's queue. */
  listQueued(agents: readonly string[]): Promise<TaskRow[]>;
  /** Rows newest first, optionally only some statuses, a page at a time (keyset on `seq`). */
  page(query: TaskPageQuery): Promise<TaskPage>;
  /**
   * queued → running for this store's host: sets `host`, bumps `fence` and grants a lease
   * (PostgreSQL; {@link StoreOptions.leaseMs}). The claimed row, or undefined if it was no
   * longer queued (or another host is claiming it this instant).
   */
  claim(id: string): Promise<TaskRow | undefined>;
  /**
   * Extend the lease of a running task this host holds with `fence`. False when the lease is
   * lost (reclaimed after expiry, or the row ended): the caller must kill its run and report
   * nothing. SQLite is one host, whose leases never expire: true while the row runs with that fence.
   */
  renew(id: string, fence: number): Promise<boolean>;
  /** Record the pid (and its start time) once the process is spawned. */
  setPid(id: string, pid: number, pidStart: number | null): Promise<void>;
  /** running → an end status. False if the row was not running (or, given `fence`, no longer held with it). */
  finish(id: string, end: TaskEnd, fence?: number): Promise<boolean>;
  /**
   * Ask the host running `id` to cancel it: a running row (of any host) gets the mark
   * `cancel_requested = reason` (the first reason stays), and that host is told
   * ({@link TaskStore.watchCancels}); it aborts the run, which ends `cancelled` with the reason.
   * False if the row is not running. A marked row that crashes instead is not retried.
   */
  requestCancel(id: string, reason: string): Promise<boolean>;
  /** This host's running rows with a cancel mark, oldest first: the runs it must abort. */
  cancelRequests(): Promise<TaskRow[]>;
  /**
   * Call `onRequested()` whenever a cancel is marked on a row this host runs (PostgreSQL:
   * LISTEN/NOTIFY; SQLite: in-process); read {@link TaskStore.cancelRequests} then. Returns the unsubscribe.
   */
  watchCancels(onRequested: () => void): Promise<() => Promise<void>>;
  /** queued → cancelled (or failed). False if it was not queued. */
  endQueued(id: string, status: 'cancelled' | 'failed', reason: string): Promise<boolean>;
  /** Queue a new attempt of `row`. Idempotent per row: a later call returns the same row as a `duplicate`. */
  retry(row: TaskRow): Promise<RetryResult>;
  /** Every row this host left `running` becomes `crashed/crash`; returns their ids. Rows other hosts run are untouched. */
  crashRunning(): Promise<string[]>;
  /**
   * Running rows of any host whose lease expired become `crashed/lease-expired`, ready for
   * {@link TaskStore.listRetryable}; returns their ids. SQLite has no other host: always [].
   */
  reclaimExpired(): Promise<string[]>;
  /**
   * Rows whose run this host may still have going: its `running` rows, and its rows another
   * host reclaimed after the lease expired (the run can outlive a partition or a restart).
   * Boot kills these runs (guarded by the recorded pid start time) before recovery.
   */
  leftovers(): Promise<TaskRow[]>;
  /**
   * Call `onQueued(agent)` whenever any host queues a task (PostgreSQL: LISTEN/NOTIFY); returns
   * the unsubscribe. A lost LISTEN connection is taken again with backoff, and `onResumed` is
   * called once it is back (wake-ups may have been missed: re-read the queue). SQLite has one
   * host, whose intake submits its own tasks: it never calls back.
   */
  watchQueued(onQueued: (agent: string) => void, onResumed?: () => void): Promise<() => Promise<void>>;
  /** Record that this host is alive now (for `hooksctl status`). */
  heartbeat(): Promise<void>;
  /** Hosts seen, newest first, with when each was last seen (ms since the epoch). */
  hosts(): Promise<HostRow[]>;
  /**
   * Rows that ended `crashed` (`crash` or `lease-expired`) or `cancelled/shutdown` and have no next
   * attempt yet, nor a cancel mark (the user wanted it stopped), oldest first.
   */
  listRetryable(): Promise<TaskRow[]>;
  /** A retryable row that used up its attempts: `crashed` or `cancelled/shutdown` → `failed/attempts-exhausted`. */
  exhaust(id: string): Promise<boolean>;
  /** Every attempt of one task (rows sharing `root_id`), oldest first. */
  attempts(rootId: string): Promise<TaskRow[]>;
  /** Append to the bounded event log; the returned id is greater than every earlier one, across restarts. */
  appendEvent(type: string, data: Record<string, unknown>): Promise<StoredEvent>;
  /** Logged events after `id`, oldest first, at most `limit`. */
  eventsAfter(id: number, limit: number): Promise<StoredEvent[]>;
  /** Count rows per status. */
  counts(): Promise<Record<TaskStatus, number>>;
  /** Replace the agents table with `agents`; queued tasks of agents no longer listed fail. */
  syncAgents(agents: readonly AgentSpec[]): Promise<AgentSync>;
  /** Every agent row, by name. */
  listAgents(): Promise<AgentRow[]>;
  /** A cheap query proving the store answers. */
  ping(): Promise<boolean>;
  /** Housekeeping: fold a write-ahead log (`idle`: what it can without waiting; `full`: all of it). A no-op where there is none. */
  compact(mode?: 'idle' | 'full'): Promise<void>;
  /** Release the store. Idempotent. */
  close(): Promise<void>;
}
