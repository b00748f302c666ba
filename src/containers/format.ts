/** Text output for agents-sync and containers-down: one `<instance> <container> <action>` line each. */

/** A per-container result as both verbs report it. */
export interface FleetLine {
  /** The instance name. */
  instance: string;
  /** The container name. */
  container: string;
  /** The action word. */
  action: string;
  /** With `other-host`: the host that runs the instance. */
  host?: string;
  /** The failure, if any. */
  error?: string;
}

/** One line per result; a failed one ends with `failed: <reason>` (its first line). */
export function formatFleetLines(results: readonly FleetLine[]): string[] {
  return results.map((r) => {
    const base = `${r.instance} ${r.container} ${r.action}${r.host === undefined ? '' : ` ${r.host}`}`;
    return r.error === undefined ? base : `${base} failed: ${r.error.split('\n')[0] ?? ''}`;
  });
}

/** True when any result carries an error (the verb then exits 1). */
export function anyFailed(results: readonly FleetLine[]): boolean {
  return results.some((r) => r.error !== undefined);
}

/** The closing line when other hosts' instances were left alone (`2 instances on other hosts left alone: host-b`), else null. */
export function leftAloneLine(results: readonly FleetLine[]): string | null {
  const others = results.filter((r) => r.action === 'other-host');
  if (others.length === 0) return null;
  const hosts = [...new Set(others.map((r) => r.host ?? ''))].sort().join(', ');
  return `${others.length} ${others.length === 1 ? 'instance' : 'instances'} on other hosts left alone: ${hosts}`;
}
