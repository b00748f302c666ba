/**
 * The `agents` table: synced from config at boot (and by agents-sync), the one source of
 * truth for instances. Queued tasks of agents that no longer exist fail instead of waiting forever.
 */
import { createHash } from 'node:crypto';
import type { AgentInstance } from '../config/instances.js';
import type { Database } from './db.js';

/** One row of the agents table. */
export interface AgentRow {
  name: string;
  type: string;
  mode: 'process' | 'container';
  spec: string;
  updated_at: string;
}

/** Replace the agents table with `instances`; returns the rows and the ids of tasks failed as orphaned. */
export function syncAgents(db: Database, instances: readonly AgentInstance[], now: string): { agents: AgentRow[]; orphaned: string[] } {
  return db.transaction(() => {
    const upsert = db.prepare(`INSERT INTO agents (name, type, mode, spec, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(name) DO UPDATE SET type = excluded.type, mode = excluded.mode, spec = excluded.spec,
      updated_at = CASE WHEN agents.spec = excluded.spec THEN agents.updated_at ELSE excluded.updated_at END`);
    for (const i of instances) upsert.run(i.name, i.typeName, i.type.mode, specOf(i), now);
    const names = instances.map((i) => i.name);
    const placeholders = names.map(() => '?').join(',') || "''";
    db.prepare(`DELETE FROM agents WHERE name NOT IN (${placeholders})`).run(...names);
    const orphaned = (db.prepare(`SELECT id FROM task_history WHERE status = 'queued' AND agent NOT IN (${placeholders})`).all(...names) as { id: string }[]).map((r) => r.id);
    db.prepare(`UPDATE task_history SET status = 'failed', reason = 'unknown-agent', ended_at = ? WHERE status = 'queued' AND agent NOT IN (${placeholders})`).run(now, ...names);
    return { agents: listAgents(db), orphaned };
  })();
}

/** Every agent row, by name. */
export function listAgents(db: Database): AgentRow[] {
  return db.prepare('SELECT * FROM agents ORDER BY name').all() as AgentRow[];
}

// A stable fingerprint of an instance's type definition.
function specOf(instance: AgentInstance): string {
  const json = JSON.stringify({ type: instance.typeName, ...instance.type });
  return `${createHash('sha256').update(json).digest('hex').slice(0, 16)} ${json}`;
}
