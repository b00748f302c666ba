// The PostgreSQL pool on a network that drops packets (a stalled TCP proxy in front of a real
// server: nothing is reset, no byte goes through): a query fails at its time limit instead of
// waiting forever, a transaction too, and once the network is back the pool answers again on a
// fresh connection (the timed-out one is dropped, never reused mid-query).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from 'pg';
import { inTransaction, openPool } from '../../src/tasks/postgres/pool.js';
import { startPostgres, type PostgresServer } from '../harness/postgres.js';
import { startTcpProxy, type TcpProxy } from '../harness/tcp-proxy.js';

let pg: PostgresServer;
let proxy: TcpProxy;
let pool: Pool;
// The database through the proxy.
let url = '';

beforeAll(async () => {
  pg = await startPostgres();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: pg.port });
  url = pg.createDatabase('stall').replace(`:${pg.port}/`, `:${proxy.port}/`);
  pool = await openPool(url, { queryTimeoutMs: 700 });
}, 60_000);

afterAll(async () => {
  proxy?.unstall();
  await pool?.end().catch(() => {});
  await proxy?.close();
  pg?.destroy();
});

describe('the pool on a stalled network', () => {
  it('a query and a transaction fail at the time limit; after the stall the pool answers again', async () => {
    expect((await pool.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
    proxy.stall();
    const started = Date.now();
    await expect(pool.query('SELECT 2')).rejects.toThrow(/timeout/i);
    await expect(inTransaction(pool, (c) => c.query('SELECT 3'))).rejects.toThrow(/timeout/i);
    // Two time limits (and the transaction's connect, bounded too), not forever.
    expect(Date.now() - started).toBeLessThan(15_000);
    proxy.unstall();
    expect((await pool.query<{ n: number }>('SELECT 4 AS n')).rows).toEqual([{ n: 4 }]);
    expect((await inTransaction(pool, (c) => c.query<{ n: number }>('SELECT 5 AS n'))).rows).toEqual([{ n: 5 }]);
  }, 30_000);

  it('a transaction on a connection that was open before the stall fails within one time limit, and the connection is dropped', async () => {
    const limitMs = 1_500;
    const own = await openPool(url, { queryTimeoutMs: limitMs });
    try {
      // Two open connections, both idle in the pool when the network stalls.
      await Promise.all([own.query('SELECT pg_sleep(0.05)'), own.query('SELECT pg_sleep(0.05)')]);
      expect(own.idleCount).toBe(2);
      proxy.stall();
      const started = Date.now();
      await expect(inTransaction(own, (c) => c.query('SELECT 6'))).rejects.toThrow('Query read timeout');
      // Its BEGIN timed out; a ROLLBACK queued behind it would have waited out a second limit.
      expect(Date.now() - started).toBeLessThan(1.8 * limitMs);
      expect(own.totalCount).toBe(1);
      proxy.unstall();
      expect((await own.query<{ n: number }>('SELECT 7 AS n')).rows).toEqual([{ n: 7 }]);
    } finally {
      proxy.unstall();
      await own.end().catch(() => {});
    }
  }, 30_000);
});
