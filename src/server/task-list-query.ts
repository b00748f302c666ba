/**
 * The query of `GET /tasks`: `status` (may repeat: `?status=queued&status=running`), `agent`
 * (one instance name), `limit` (1..1000, default 100) and `before` (the opaque cursor a previous
 * page returned as `next_before`).
 */
import { NAME_PATTERN } from '../config/schema.js';
import type { TaskPageQuery } from '../tasks/store.js';
import { isTaskStatus, TASK_STATUSES, type TaskStatus } from '../vocabulary.js';

/** The largest `limit` a page may ask for. */
export const MAX_PAGE_LIMIT = 1000;
/** The `limit` when none is given. */
export const DEFAULT_PAGE_LIMIT = 100;

/** The parsed query, or the reason it is bad (for a 400). */
export type TaskListQuery = { ok: true; query: TaskPageQuery } | { ok: false; message: string };

/** Parse the raw querystring values (a string, or an array when the key repeats). */
export function parseTaskListQuery(raw: Record<string, unknown>): TaskListQuery {
  const statuses = values(raw['status']);
  const bad = statuses.find((s) => !isTaskStatus(s));
  if (bad !== undefined)
    return { ok: false, message: `Expected \`status\` to be one of ${TASK_STATUSES.join(', ')}, got ${JSON.stringify(bad)}` };
  const agents = values(raw['agent']);
  if (agents.length > 1) return { ok: false, message: 'Expected one `agent`' };
  const agent = agents[0];
  // Any instance name, also one no longer configured: its tasks stay in the history.
  if (agent !== undefined && !NAME_PATTERN.test(agent))
    return { ok: false, message: `Expected \`agent\` to be an agent instance name (${NAME_PATTERN}), got ${JSON.stringify(agent)}` };
  const limits = values(raw['limit']);
  const befores = values(raw['before']);
  if (limits.length > 1) return { ok: false, message: 'Expected one `limit`' };
  if (befores.length > 1) return { ok: false, message: 'Expected one `before`' };
  const limitText = limits[0];
  const limit = limitText === undefined ? DEFAULT_PAGE_LIMIT : Number(limitText);
  if (limitText !== undefined && (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_PAGE_LIMIT)) {
    return { ok: false, message: `Expected \`limit\` to be an integer from 1 to ${MAX_PAGE_LIMIT}, got ${JSON.stringify(limitText)}` };
  }
  const beforeText = befores[0];
  if (beforeText !== undefined && (!/^\d{1,15}$/.test(beforeText) || Number(beforeText) < 1)) {
    return { ok: false, message: `Expected \`before\` to be the \`next_before\` of a previous page, got ${JSON.stringify(beforeText)}` };
  }
  return {
    ok: true,
    query: {
      statuses: statuses as TaskStatus[],
      limit,
      ...(agent === undefined ? {} : { agent }),
      ...(beforeText === undefined ? {} : { before: Number(beforeText) }),
    },
  };
}

// A querystring value as a list: absent → [], one → [it], repeated → all.
function values(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
