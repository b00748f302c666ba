/**
 * Schema migrations for the PostgreSQL task store, applied in order at boot and tracked in
 * `hooksctl_schema`. Several hosts may boot at once: each migration run holds one advisory
 * lock, so exactly one host applies a version and the others see it done.
 */
import { ExitCode, HooksError } from '../../errors.js';
import { TASK_STATUSES } from '../../vocabulary.js';
import type { Queryable } from './pool.js';

// The CHECK list of migration 1. A status added to the vocabulary later needs a migration of its own.
const STATUS_CHECK = TASK_STATUSES.map((s) => `'${s}'`).join(', ');

/** The NOTIFY channel a queued task is announced on; the payload is its agent's name. */
export const QUEUED_CHANNEL = 'hooksctl_queued';

/** The NOTIFY channel a cancel request is announced on; the payload is the id of the host running the task. */
export const CANCEL_CHANNEL = 'hooksctl_cancel';

/** Each entry moves the schema from version i to i+1. */
export const PG_MIGRATIONS: readonly string[] = [
  // v1: the same tables as SQLite's v1..v3. seq and the event id are identities: unique and
  // increasing in insertion order, without a MAX + 1 race between hosts.
  `CREATE TABLE agents (
     name TEXT PRIMARY KEY,
     type TEXT NOT NULL,
     mode TEXT NOT NULL CHECK (mode IN ('process', 'container')),
     spec TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE task_history (
     id TEXT PRIMARY KEY,
     root_id TEXT NOT NULL,
     agent TEXT NOT NULL,
     payload TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN (${STATUS_CHECK})),
     reason TEXT,
     attempt INTEGER NOT NULL DEFAULT 1,
     retry_of TEXT REFERENCES task_history(id),
     retried_as TEXT,
     exit_code INTEGER,
     pid INTEGER,
     pid_start BIGINT,
     source TEXT NOT NULL DEFAULT 'http',
     dedupe_key TEXT UNIQUE,
     output TEXT,
     seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
     created_at TEXT NOT NULL,
     started_at TEXT,
     ended_at TEXT
   );
   CREATE INDEX task_history_status ON task_history (status, agent, seq);
   CREATE INDEX task_history_status_seq ON task_history (status, seq);
   CREATE INDEX task_history_root ON task_history (root_id);
   CREATE TABLE events (
     id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     type TEXT NOT NULL,
     data TEXT NOT NULL,
     at TEXT NOT NULL
   );`,
  // v2: hosts and leases. A claim records its host, bumps the fencing token and sets the lease's
  // end (ms since the epoch); the partial index serves the reclaim of expired leases. Every
  // queued insert (intake and retries) NOTIFYs its agent at commit, to wake the host that runs it.
  `ALTER TABLE task_history ADD COLUMN host TEXT;
   ALTER TABLE task_history ADD COLUMN fence BIGINT NOT NULL DEFAULT 0;
   ALTER TABLE task_history ADD COLUMN lease_until BIGINT;
   CREATE INDEX task_history_lease ON task_history (lease_until) WHERE status = 'running';
   CREATE TABLE hosts (
     id TEXT PRIMARY KEY,
     seen_at BIGINT NOT NULL
   );
   CREATE FUNCTION hooksctl_notify_queued() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM pg_notify('${QUEUED_CHANNEL}', NEW.agent);
     RETURN NULL;
   END $$;
   CREATE TRIGGER task_history_queued AFTER INSERT ON task_history
     FOR EACH ROW WHEN (NEW.status = 'queued') EXECUTE FUNCTION hooksctl_notify_queued();`,
  // v3: a cancel asked while the row runs, kept as its reason for the host running it (requestCancel).
  `ALTER TABLE task_history ADD COLUMN cancel_requested TEXT;`,
];

// Any fixed 64-bit key: the advisory lock that serialises migration runs across hosts.
const MIGRATION_LOCK = 0x686f6f6b73;

/** Apply pending migrations in one transaction under the migration lock; refuse a schema newer than this build. */
export async function migratePostgres(db: Queryable, migrations: readonly string[] = PG_MIGRATIONS): Promise<number> {
  await db.query('BEGIN');
  try {
    await db.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await db.query('CREATE TABLE IF NOT EXISTS hooksctl_schema (version INTEGER NOT NULL)');
    const { rows } = await db.query<{ v: number | null }>('SELECT MAX(version) AS v FROM hooksctl_schema');
    const current = rows[0]?.v ?? 0;
    if (current > migrations.length) {
      throw new HooksError(
        'hooks.store.too_new',
        `The task store schema (v${current}) is newer than this hooksctl understands (v${migrations.length})`,
        { exitCode: ExitCode.config },
      );
    }
    for (let v = current; v < migrations.length; v++) {
      await db.query(migrations[v] ?? '');
      await db.query('INSERT INTO hooksctl_schema (version) VALUES ($1)', [v + 1]);
    }
    await db.query('COMMIT');
    return migrations.length;
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
}
