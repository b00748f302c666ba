/**
 * Read shutdown timelines back from journal entries (`journalctl -o json`): one record per
 * service invocation that received a stop signal. Pure: entries in, records out.
 */

/** One journal entry as `journalctl -o json` prints it (values may be strings, arrays or null). */
export type JournalJson = Readonly<Record<string, unknown>>;

/** One task's fate during a drain. */
export interface PhaseTask {
  id: string;
  outcome: 'settled' | 'aborted';
  atMs: number;
}

/** The timeline of one shutdown. */
export interface ShutdownTimeline {
  invocation: string;
  service: string | null;
  signal: string | null;
  signalAt: string;
  busyAtSignal: number | null;
  drainMs: number | null;
  settled: number;
  aborted: number;
  tasks: PhaseTask[];
  cleanupMs: number | null;
  byeAt: string | null;
  totalMs: number | null;
  timeoutStopMs: number | null;
  complete: boolean;
}

// A field as a string (journalctl prints binary-unsafe values as byte arrays).
function field(e: JournalJson, name: string): string | undefined {
  const v = e[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((b) => typeof b === 'number')) return Buffer.from(v as number[]).toString('utf8');
  return undefined;
}

// A numeric field, or null.
function num(e: JournalJson, name: string): number | null {
  const v = field(e, name);
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
}

/** Group phase entries by invocation and build one timeline per shutdown, oldest first. */
export function buildTimelines(entries: readonly JournalJson[]): ShutdownTimeline[] {
  const groups = new Map<string, JournalJson[]>();
  for (const e of entries) {
    if (field(e, 'SHUTDOWN_PHASE') === undefined) continue;
    const key = field(e, 'INVOCATION_ID') ?? `pid:${field(e, '_PID') ?? '?'}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const out: ShutdownTimeline[] = [];
  for (const [invocation, list] of groups) {
    const sorted = [...list].sort((a, b) => Number(field(a, '__REALTIME_TIMESTAMP') ?? 0) - Number(field(b, '__REALTIME_TIMESTAMP') ?? 0));
    const signal = sorted.find((e) => field(e, 'SHUTDOWN_PHASE') === 'signal');
    if (!signal) continue;
    const t0 = Number(field(signal, '__REALTIME_TIMESTAMP') ?? 0);
    const at = (e: JournalJson) => Math.round((Number(field(e, '__REALTIME_TIMESTAMP') ?? 0) - t0) / 1000);
    const tasks: PhaseTask[] = [];
    for (const e of sorted) {
      const id = field(e, 'TASK_ID');
      const phase = field(e, 'SHUTDOWN_PHASE');
      if (id && phase === 'drain') tasks.push({ id, outcome: 'settled', atMs: at(e) });
      if (id && phase === 'abort') tasks.push({ id, outcome: 'aborted', atMs: at(e) });
    }
    const drainEnd = [...sorted].reverse().find((e) => (field(e, 'SHUTDOWN_PHASE') === 'drain' && !field(e, 'TASK_ID')) || (field(e, 'SHUTDOWN_PHASE') === 'abort' && !field(e, 'TASK_ID') && num(e, 'DRAIN_MS') !== null));
    const cleanup = sorted.find((e) => field(e, 'SHUTDOWN_PHASE') === 'cleanup');
    const bye = sorted.find((e) => field(e, 'SHUTDOWN_PHASE') === 'bye');
    out.push({
      invocation,
      service: field(signal, 'HOOKS_SERVICE') ?? null,
      signal: field(signal, 'SIGNAL') ?? null,
      signalAt: new Date(t0 / 1000).toISOString(),
      busyAtSignal: num(signal, 'BUSY'),
      drainMs: drainEnd ? num(drainEnd, 'DRAIN_MS') : null,
      settled: tasks.filter((t) => t.outcome === 'settled').length,
      aborted: tasks.filter((t) => t.outcome === 'aborted').length,
      tasks,
      cleanupMs: cleanup ? num(cleanup, 'CLEANUP_MS') : null,
      byeAt: bye ? new Date(Number(field(bye, '__REALTIME_TIMESTAMP') ?? 0) / 1000).toISOString() : null,
      totalMs: bye ? num(bye, 'TOTAL_MS') ?? at(bye) : null,
      timeoutStopMs: null,
      complete: bye !== undefined,
    });
  }
  return out.sort((a, b) => a.signalAt.localeCompare(b.signalAt));
}

/** Human lines for one timeline. */
export function formatTimeline(t: ShutdownTimeline, unit: string): string[] {
  const s = (ms: number | null) => (ms === null ? '?' : `${(ms / 1000).toFixed(1)} s`);
  const budget = t.timeoutStopMs === null ? '' : ` of TimeoutStopSec ${s(t.timeoutStopMs)}${t.totalMs === null ? '' : ` (${Math.round((100 * t.totalMs) / t.timeoutStopMs)}%)`}`;
  return [
    `${unit}  invocation ${t.invocation}  ${t.signalAt}`,
    `  signal   ${t.signal ?? '?'}, ${t.busyAtSignal ?? '?'} task(s) in flight`,
    `  drain    ${s(t.drainMs)}: ${t.settled} settled, ${t.aborted} force-aborted`,
    `  cleanup  ${s(t.cleanupMs)}`,
    t.complete ? `  bye      total ${s(t.totalMs)}${budget}` : '  bye      (missing: the process was killed before it finished)',
  ];
}
