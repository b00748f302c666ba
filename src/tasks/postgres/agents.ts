/** The agents table over PostgreSQL: replaced from the config at boot in one transaction. */
import type { Pool } from 'pg';
import type { AgentRow, AgentSpec, AgentSync } from '../store.js';
import { inTransaction, type Queryable } from './pool.js';

const list = async (db: Queryable): Promise<AgentRow[]> =>
  (await db.query<AgentRow>('SELECT name, type, mode, spec, updated_at FROM agents ORDER BY name')).rows;

/** The agents-table half of the PostgreSQL store. */
export function postgresAgents(pool: Pool): {
  sync(specs: readonly AgentSpec[], now: string): Promise<AgentSync>;
  list(): Promise<AgentRow[]>;
} {
  return {
    sync: (specs, now) =>
      inTransaction(pool, async (client) => {
        for (const a of specs)
          await client.query(
            `INSERT INTO agents (name, type, mode, spec, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (name) DO UPDATE SET type = excluded.type, mode = excluded.mode, spec = excluded.spec,
             updated_at = CASE WHEN agents.spec = excluded.spec THEN agents.updated_at ELSE excluded.updated_at END`,
            [a.name, a.type, a.mode, a.spec, now],
          );
        const names = specs.map((a) => a.name);
        await client.query('DELETE FROM agents WHERE NOT (name = ANY($1::text[]))', [names]);
        const { rows } = await client.query<{ id: string; seq: number }>(
          `UPDATE task_history SET status = 'failed', reason = 'unknown-agent', ended_at = $1
           WHERE status = 'queued' AND NOT (agent = ANY($2::text[])) RETURNING id, seq`,
          [now, names],
        );
        return { agents: await list(client), orphaned: rows.sort((a, b) => a.seq - b.seq).map((r) => r.id) };
      }),
    list: () => list(pool),
  };
}
