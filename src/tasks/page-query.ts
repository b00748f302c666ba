/** The one check of a {@link TaskPageQuery} that every store backend makes before it reads a page. */
import { ExitCode, HooksError } from '../errors.js';
import type { TaskPageQuery } from './store.js';

/** Throw `hooks.store.bad_page` (exit 2, bad usage) unless `limit` is a positive integer and `before`, if given, an integer. */
export function checkPageQuery(q: TaskPageQuery): void {
  if (!Number.isSafeInteger(q.limit) || q.limit < 1 || (q.before !== undefined && !Number.isSafeInteger(q.before))) {
    throw new HooksError(
      'hooks.store.bad_page',
      `Expected a positive integer limit and an integer cursor, got limit ${q.limit} and before ${String(q.before)}`,
      { exitCode: ExitCode.usage },
    );
  }
}
