/** Pick the task store backend for `service.db`: a file path (or `:memory:`) is SQLite, a `postgres://` URL is PostgreSQL. */
import { databaseUrlProblem, isDatabaseUrl, redactDatabaseUrl } from '../config/db-url.js';
import { ExitCode, HooksError } from '../errors.js';
import type { Clock } from '../runtime.js';
import type { StoreOptions, TaskStore } from './store.js';

/** Open the store `service.db` names; each backend is loaded only when used. */
export async function openTaskStore(db: string, clock: Clock, options: StoreOptions = {}): Promise<TaskStore> {
  if (isDatabaseUrl(db)) {
    const problem = databaseUrlProblem(db);
    if (problem !== undefined) {
      throw new HooksError('hooks.config.invalid', `service.db ${JSON.stringify(redactDatabaseUrl(db))}: ${problem}`, {
        exitCode: ExitCode.config,
        details: { path: 'service.db' },
      });
    }
    const { openPostgresStore } = await import('./postgres/store.js');
    return openPostgresStore(db, clock, options);
  }
  const { openSqliteStore } = await import('./sqlite/store.js');
  return openSqliteStore(db, clock, options);
}
