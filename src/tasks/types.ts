/** Task records as the store keeps them and as the API shows them. */

import type { TaskStatus } from '../vocabulary.js';

export type { TaskStatus } from '../vocabulary.js';

/** One row of `task_history` (one attempt of a task). */
export interface TaskRow {
  id: string;
  root_id: string;
  agent: string;
  payload: string;
  status: TaskStatus;
  reason: string | null;
  attempt: number;
  retry_of: string | null;
  retried_as: string | null;
  exit_code: number | null;
  pid: number | null;
  pid_start: number | null;
  source: string;
  dedupe_key: string | null;
  output: string | null;
  seq: number;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  /** The host that claimed it last (null while it was never claimed). */
  host: string | null;
  /** The fencing token: bumped by every claim; renewals and the end must present the current one. */
  fence: number;
  /** The reason of a cancel asked while it runs, for its host to act on (`TaskStore.requestCancel`); null when none was. */
  cancel_requested: string | null;
}

/** The public JSON shape of a task (GET /tasks/:id). */
export interface TaskView {
  id: string;
  agent: string;
  status: TaskStatus;
  reason: string | null;
  attempt: number;
  exit_code: number | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  retry_of: string | null;
  retried_as: string | null;
  source: string;
  payload: unknown;
  output: string | null;
  host: string | null;
  /** The reason of a cancel asked while it runs (its host stops it), or null. */
  cancel_requested: string | null;
}

/** Map a row to its public view. */
export function toView(row: TaskRow): TaskView {
  let payload: unknown = null;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    payload = row.payload;
  }
  return {
    id: row.id,
    agent: row.agent,
    status: row.status,
    reason: row.reason,
    attempt: row.attempt,
    exit_code: row.exit_code,
    created_at: row.created_at,
    started_at: row.started_at,
    ended_at: row.ended_at,
    retry_of: row.retry_of,
    retried_as: row.retried_as,
    source: row.source,
    payload,
    output: row.output,
    host: row.host,
    cancel_requested: row.cancel_requested,
  };
}
