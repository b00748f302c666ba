/**
 * Named prepared statements for the hot path (claim, finish, intake, the event log): the server
 * parses and plans each once per connection instead of at every call, which takes about 40% off
 * its CPU per claim on this machine (bench/pg-claim). A pooler in front of PostgreSQL must pass
 * named statements through (PgBouncer 1.21+ with `max_prepared_statements`).
 */
import type { QueryConfig } from 'pg';

/** A statement with a fixed name; call it with its values to get what `query()` takes. */
export function prepared(name: string, text: string): (values: unknown[]) => QueryConfig {
  const statement = { name: `hooksctl_${name}`, text };
  return (values) => ({ ...statement, values });
}
