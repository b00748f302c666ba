/** Paging `task_history` newest first (by seq), optionally by status and agent: keyset pagination, as in SQLite. */
import { checkPageQuery } from '../page-query.js';
import type { TaskPage, TaskPageQuery } from '../store.js';
import type { TaskRow } from '../types.js';
import type { Queryable } from './pool.js';

/** One page of rows over `db`, selecting `columns`. */
export async function postgresPage(db: Queryable, columns: string, q: TaskPageQuery): Promise<TaskPage> {
  checkPageQuery(q);
  const statuses = [...new Set(q.statuses ?? [])];
  const values: unknown[] = [];
  const where: string[] = [];
  if (statuses.length > 0) where.push(`status = ANY($${values.push(statuses)}::text[])`);
  if (q.agent !== undefined) where.push(`agent = $${values.push(q.agent)}`);
  if (q.before !== undefined) where.push(`seq < $${values.push(q.before)}`);
  // One row more than asked tells whether an older page exists.
  const limit = `$${values.push(q.limit + 1)}`;
  const { rows } = await db.query<TaskRow>(
    `SELECT ${columns} FROM task_history ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ${limit}`,
    values,
  );
  const more = rows.length > q.limit;
  if (more) rows.length = q.limit;
  return { rows, nextBefore: more ? (rows[rows.length - 1]?.seq ?? null) : null };
}
