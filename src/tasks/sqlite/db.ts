/** Open the SQLite database (better-sqlite3) in WAL mode and bring its schema up to date. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { ExitCode, HooksError } from '../../errors.js';
import { MIGRATIONS } from './migrations.js';
import type DatabaseCtor from 'better-sqlite3';
import { makeDir } from '../../make-dir.js';

/** A better-sqlite3 database handle. */
export type Database = DatabaseCtor.Database;

/** Open (creating the file and its directory if needed) and migrate the store at `path`. */
export async function openDatabase(path: string): Promise<Database> {
  const { default: Sqlite } = await import('better-sqlite3');
  let db: Database;
  try {
    if (path !== ':memory:') makeDir(dirname(path));
    const nativeBinding = addonPath();
    db = new Sqlite(path, nativeBinding === null ? { timeout: 5000 } : { timeout: 5000, nativeBinding });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
  } catch (error) {
    throw new HooksError('hooks.store.open', `Cannot open the task store at ${path}: ${(error as Error).message}`, {
      exitCode: ExitCode.unavailable,
      cause: error,
    });
  }
  migrate(db);
  return db;
}

/** Apply pending migrations inside one transaction each. */
export function migrate(db: Database): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > MIGRATIONS.length) {
    throw new HooksError(
      'hooks.store.too_new',
      `The task store schema (v${current}) is newer than this hooksctl understands (v${MIGRATIONS.length})`,
      { exitCode: ExitCode.config },
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] ?? '');
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

// better-sqlite3's addon by path: it skips the \`bindings\` package, which parses a stack trace and
// probes a dozen build folders on the way to READY=1. null: let better-sqlite3 search as usual.
function addonPath(): string | null {
  try {
    return createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
  } catch {
    return null;
  }
}
