/** Schema migrations for the task store, applied in order and tracked with PRAGMA user_version. */
import { TASK_STATUSES } from '../../vocabulary.js';

// The CHECK list of migration 1. A status added to the vocabulary later needs a migration of its own for existing databases.
const STATUS_CHECK = TASK_STATUSES.map((s) => `'${s}'`).join(', ');

/** Each entry moves the schema from version i to i+1. */
export const MIGRATIONS: readonly string[] = [
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
     pid_start INTEGER,
     source TEXT NOT NULL DEFAULT 'http',
     dedupe_key TEXT UNIQUE,
     output TEXT,
     seq INTEGER NOT NULL,
     created_at TEXT NOT NULL,
     started_at TEXT,
     ended_at TEXT
   );
   CREATE INDEX task_history_status ON task_history (status, agent, seq);
   CREATE INDEX task_history_root ON task_history (root_id);`,
  // v2: GET /tasks pages newest first by seq (the store hands seq out as MAX + 1 inside its write
  // transactions, so it is unique); the seq index also makes that MAX a lookup instead of a scan.
  `CREATE UNIQUE INDEX task_history_seq ON task_history (seq);
   CREATE INDEX task_history_status_seq ON task_history (status, seq);`,
  // v3: the SSE event log. AUTOINCREMENT: ids never repeat, even after the oldest are pruned.
  `CREATE TABLE events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     type TEXT NOT NULL,
     data TEXT NOT NULL,
     at TEXT NOT NULL
   );`,
  // v4: the host that claimed a row, and the fencing token every claim bumps (the store port's
  // lease calls; one SQLite file is one host, so its leases never expire).
  `ALTER TABLE task_history ADD COLUMN host TEXT;
   ALTER TABLE task_history ADD COLUMN fence INTEGER NOT NULL DEFAULT 0;`,
  // v5: a cancel asked while the row runs (the store port's requestCancel), kept as its reason.
  `ALTER TABLE task_history ADD COLUMN cancel_requested TEXT;`,
];
