/** Text output for agents-sync and containers-down: one `<instance> <container> <action>` line each. */

/** A per-container result as both verbs report it. */
export interface FleetLine {
  /** The instance name. */
  instance: string;
  /** The container name. */
  container: string;
  /** The action word. */
  action: string;
  /** The failure, if any. */
  error?: string;
}

/** One line per result; a failed one ends with `failed: <reason>` (its first line). */
export function formatFleetLines(results: readonly FleetLine[]): string[] {
  return results.map((r) => {
    const base = `${r.instance} ${r.container} ${r.action}`;
    return r.error === undefined ? base : `${base} failed: ${r.error.split('\n')[0] ?? ''}`;
  });
}

/** True when any result carries an error (the verb then exits 1). */
export function anyFailed(results: readonly FleetLine[]): boolean {
  return results.some((r) => r.error !== undefined);
}
