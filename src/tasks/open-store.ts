/** Pick the task store backend for `service.db`: a file path (or `:memory:`) is SQLite. */
import { ExitCode, HooksError } from '../errors.js';
import type { Clock } from '../runtime.js';
import type { TaskStore } from './store.js';

/** Open the store `service.db` names; the SQLite backend is loaded only when used. */
export async function openTaskStore(db: string, clock: Clock): Promise<TaskStore> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(db)) {
    throw new HooksError(
      'hooks.store.open',
      `Unsupported task store URL ${JSON.stringify(db.replace(/\/\/[^@/]*@/, '//…@'))}: service.db is a SQLite file path in this version`,
      { exitCode: ExitCode.config },
    );
  }
  const { openSqliteStore } = await import('./sqlite/store.js');
  return openSqliteStore(db, clock);
}
