/** The agents table over SQLite: replaced from config at boot (and by agents-sync) in one transaction. */
import type { AgentRow, AgentSpec, AgentSync } from '../store.js';
import type { Database } from './db.js';

/** The agents-table half of the SQLite store. */
export function sqliteAgents(db: Database): { sync(specs: readonly AgentSpec[], now: string): AgentSync; list(): AgentRow[] } {
  const upsert = db.prepare(`INSERT INTO agents (name, type, mode, spec, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT(name) DO UPDATE SET type = excluded.type, mode = excluded.mode, spec = excluded.spec,
    updated_at = CASE WHEN agents.spec = excluded.spec THEN agents.updated_at ELSE excluded.updated_at END`);
  const all = db.prepare('SELECT * FROM agents ORDER BY name');
  const list = (): AgentRow[] => all.all() as AgentRow[];
  const sync = db.transaction((specs: readonly AgentSpec[], now: string): AgentSync => {
    for (const a of specs) upsert.run(a.name, a.type, a.mode, a.spec, now);
    const names = specs.map((a) => a.name);
    const placeholders = names.map(() => '?').join(',') || "''";
    db.prepare(`DELETE FROM agents WHERE name NOT IN (${placeholders})`).run(...names);
    const orphaned = (
      db.prepare(`SELECT id FROM task_history WHERE status = 'queued' AND agent NOT IN (${placeholders})`).all(...names) as { id: string }[]
    ).map((r) => r.id);
    db.prepare(
      `UPDATE task_history SET status = 'failed', reason = 'unknown-agent', ended_at = ? WHERE status = 'queued' AND agent NOT IN (${placeholders})`,
    ).run(now, ...names);
    return { agents: list(), orphaned };
  });
  return { sync: (specs, now) => sync(specs, now), list };
}
