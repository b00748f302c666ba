/**
 * The connection pool of the PostgreSQL store (`pg`): BIGINT columns come back as numbers
 * (seq, event ids and lease times stay far below 2^53), and a connection failure at open is
 * exit 69, the database being unavailable. No call waits forever on a network that drops
 * packets: connecting is bounded (5 s), every query too ({@link QUERY_TIMEOUT_MS}; the pool then
 * drops that connection), and TCP keepalive is on.
 */
import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { ExitCode, HooksError } from '../../errors.js';
import { redactDatabaseUrl } from '../../config/db-url.js';

/** What runs a query: the pool, or one client inside a transaction. */
export interface Queryable {
  /** Run one statement with positional parameters (or a named prepared one, values included). */
  query<R extends QueryResultRow = QueryResultRow>(text: string | QueryConfig, values?: unknown[]): Promise<QueryResult<R>>;
}

/** Options for {@link openPool}. */
export interface PoolOptions {
  /** The password, when the server asks for one. */
  password?: string | undefined;
  /** Told about errors of idle connections (the pool drops them and reconnects). */
  onError?: (message: string) => void;
  /** At most this many connections (default 10). */
  max?: number;
  /** How long one query may wait for its answer, ms (default {@link QUERY_TIMEOUT_MS}). */
  queryTimeoutMs?: number;
}

/** The default bound on one query: long enough for a migration of a large history, short of forever. */
export const QUERY_TIMEOUT_MS = 60_000;

const INT8_OID = 20;

// The message of pg's error for a query past `query_timeout` (pg/lib/client.js).
const READ_TIMEOUT = 'Query read timeout';

/** Open a pool on `url` and prove it connects; refused or unreachable is `hooks.store.open`, exit 69. */
export async function openPool(url: string, options: PoolOptions = {}): Promise<Pool> {
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({
    connectionString: withPassword(url, options.password),
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    query_timeout: options.queryTimeoutMs ?? QUERY_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', (error) => options.onError?.(`task store connection: ${error.message}`));
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw new HooksError('hooks.store.open', `Cannot open the task store at ${redactDatabaseUrl(url)}: ${(error as Error).message}`, {
      exitCode: ExitCode.unavailable,
      cause: error,
    });
  }
  return pool;
}

// pg lets what the connection string says (even an absent password) override a separate
// `password` option, so the password goes into the in-memory URL; messages show redactDatabaseUrl(url).
function withPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** Run `fn` inside one transaction on one client; roll back if it throws. */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let result: T;
  try {
    await client.query('BEGIN');
    result = await fn(client);
    await client.query('COMMIT');
  } catch (error) {
    // A statement that timed out is still the connection's active query: a ROLLBACK would queue
    // behind it and wait out a second time limit. Dropping the connection rolls the transaction back.
    const rolledBack =
      (error as Error).message !== READ_TIMEOUT &&
      (await client.query('ROLLBACK').then(
        () => true,
        () => false,
      ));
    // A connection that rolled back is sound and goes back to the pool; any other (a timed-out
    // statement, a broken connection) is dropped, never reused.
    client.release(rolledBack ? undefined : (error as Error));
    throw error;
  }
  client.release();
  return result;
}
