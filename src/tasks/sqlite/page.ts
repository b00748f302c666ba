/** Paging `task_history` newest first (by seq), optionally by status and agent: keyset pagination on the seq indexes (migration v2). */
import { checkPageQuery } from '../page-query.js';
import type { TaskPage, TaskPageQuery } from '../store.js';
import type { TaskRow } from '../types.js';
import type { Database } from './db.js';

/** Build the page query over an open database. */
export function createTaskPager(db: Database): (query: TaskPageQuery) => TaskPage {
  // One statement per (status count, agent or not, cursor or not), prepared on first use; status
  // IN (...) and seq < ? are served by the (status, seq) and seq indexes.
  const pageStatements = new Map<string, { all(...params: unknown[]): unknown[] }>();
  const pageStatement = (statusCount: number, agent: boolean, cursor: boolean) => {
    const key = `${statusCount}:${agent}:${cursor}`;
    let stmt = pageStatements.get(key);
    if (stmt === undefined) {
      const where = [
        ...(statusCount > 0 ? [`status IN (${new Array<string>(statusCount).fill('?').join(', ')})`] : []),
        ...(agent ? ['agent = ?'] : []),
        ...(cursor ? ['seq < ?'] : []),
      ];
      stmt = db.prepare<unknown[]>(
        `SELECT * FROM task_history ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`,
      );
      pageStatements.set(key, stmt);
    }
    return stmt;
  };
  return (q: TaskPageQuery): TaskPage => {
    checkPageQuery(q);
    const statuses = [...new Set(q.statuses ?? [])];
    // One row more than asked tells whether an older page exists.
    const params: (string | number)[] = [
      ...statuses,
      ...(q.agent === undefined ? [] : [q.agent]),
      ...(q.before === undefined ? [] : [q.before]),
      q.limit + 1,
    ];
    const rows = pageStatement(statuses.length, q.agent !== undefined, q.before !== undefined).all(...params) as TaskRow[];
    const more = rows.length > q.limit;
    if (more) rows.length = q.limit;
    return { rows, nextBefore: more ? (rows[rows.length - 1]?.seq ?? null) : null };
  };
}
