/**
 * Read shutdown timelines back from journal entries (`journalctl -o json`): one record per
 * service invocation that received a stop signal. Pure: entries in, records out.
 */
import { escapeControl } from '../escape.js';

/** One journal entry as `journalctl -o json` prints it (values may be strings, arrays or null). */
export type JournalJson = Readonly<Record<string, unknown>>;

/** One task's fate during a drain. */
export interface PhaseTask {
  /** The task ID (TASK_ID=). */
  id: string;
  /** Settled by itself during the drain, or force-aborted when the drain budget ran out. */
  outcome: 'settled' | 'aborted';
  /** When its entry was written, in ms after the signal entry. */
  atMs: number;
}

/** The timeline of one shutdown. */
export interface ShutdownTimeline {
  /** INVOCATION_ID=, or `pid:<_PID>` for entries without one. */
  invocation: string;
  /** HOOKS_SERVICE= of the signal entry. */
  service: string | null;
  /** The (first) stop signal's name. */
  signal: string | null;
  /** When the signal entry was written (ISO 8601). */
  signalAt: string;
  /** Tasks in flight when the signal came (BUSY=). */
  busyAtSignal: number | null;
  /** How long the drain took (DRAIN_MS= of the drain-complete or force-abort summary). */
  drainMs: number | null;
  /** Tasks that settled during the drain. */
  settled: number;
  /** Tasks force-aborted after the drain. */
  aborted: number;
  /** Each task's fate, in journal order. */
  tasks: PhaseTask[];
  /** How long cleanup took (CLEANUP_MS=). */
  cleanupMs: number | null;
  /** When the bye entry was written (ISO 8601); null when there is none. */
  byeAt: string | null;
  /** Signal to bye in ms (TOTAL_MS=, else the entries' distance); null without bye. */
  totalMs: number | null;
  /** The unit's TimeoutStopSec in ms (Infinity for `infinity`); filled in by the caller, null here. */
  timeoutStopMs: number | null;
  /** True when the bye entry is there: the process finished its shutdown. */
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

// The latest time a Date can hold, in µs.
const MAX_REALTIME_US = 8.64e18;

// When the entry was written (__REALTIME_TIMESTAMP, µs since the epoch); null when missing or junk.
function realtimeUs(e: JournalJson): number | null {
  const v = field(e, '__REALTIME_TIMESTAMP');
  if (v === undefined || !/^\d+$/.test(v)) return null;
  const us = Number(v);
  return us <= MAX_REALTIME_US ? us : null;
}

/**
 * Group phase entries by invocation and build one timeline per shutdown, oldest first. Entries
 * that are not objects, not phase entries, or have no usable timestamp (they cannot be placed on
 * a timeline) are skipped; an invocation without a `signal` entry gives no timeline.
 */
export function buildTimelines(entries: readonly JournalJson[]): ShutdownTimeline[] {
  const groups = new Map<string, JournalJson[]>();
  const times = new Map<JournalJson, number>();
  for (const e of entries) {
    if (typeof e !== 'object' || e === null || field(e, 'SHUTDOWN_PHASE') === undefined) continue;
    const us = realtimeUs(e);
    if (us === null) continue;
    times.set(e, us);
    const key = field(e, 'INVOCATION_ID') ?? `pid:${field(e, '_PID') ?? '?'}`;
    const list = groups.get(key);
    if (list) list.push(e);
    else groups.set(key, [e]);
  }
  const time = (e: JournalJson) => times.get(e) ?? 0;
  const out: ShutdownTimeline[] = [];
  for (const [invocation, list] of groups) {
    const sorted = [...list].sort((a, b) => time(a) - time(b));
    const signal = sorted.find((e) => field(e, 'SHUTDOWN_PHASE') === 'signal');
    if (!signal) continue;
    const t0 = time(signal);
    const at = (e: JournalJson) => Math.round((time(e) - t0) / 1000);
    const tasks: PhaseTask[] = [];
    for (const e of sorted) {
      const id = field(e, 'TASK_ID');
      const phase = field(e, 'SHUTDOWN_PHASE');
      if (id && phase === 'drain') tasks.push({ id, outcome: 'settled', atMs: at(e) });
      if (id && phase === 'abort') tasks.push({ id, outcome: 'aborted', atMs: at(e) });
    }
    const drainEnd = [...sorted]
      .reverse()
      .find(
        (e) =>
          (field(e, 'SHUTDOWN_PHASE') === 'drain' && !field(e, 'TASK_ID')) ||
          (field(e, 'SHUTDOWN_PHASE') === 'abort' && !field(e, 'TASK_ID') && num(e, 'DRAIN_MS') !== null),
      );
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
      byeAt: bye ? new Date(time(bye) / 1000).toISOString() : null,
      totalMs: bye ? (num(bye, 'TOTAL_MS') ?? at(bye)) : null,
      timeoutStopMs: null,
      complete: bye !== undefined,
    });
  }
  return out.sort((a, b) => a.signalAt.localeCompare(b.signalAt));
}

// The share of TimeoutStopSec the shutdown used, when there is one to give.
function budgetText(t: ShutdownTimeline, s: (ms: number | null) => string): string {
  if (t.timeoutStopMs === null) return '';
  if (!Number.isFinite(t.timeoutStopMs)) return ' of TimeoutStopSec infinity';
  const share = t.totalMs === null || t.timeoutStopMs <= 0 ? '' : ` (${Math.round((100 * t.totalMs) / t.timeoutStopMs)}%)`;
  return ` of TimeoutStopSec ${s(t.timeoutStopMs)}${share}`;
}

/** Human lines for one timeline; control characters in journal values (and `unit`) are escaped, so each line stays one line. */
export function formatTimeline(t: ShutdownTimeline, unit: string): string[] {
  const s = (ms: number | null) => (ms === null ? '?' : `${(ms / 1000).toFixed(1)} s`);
  const budget = budgetText(t, s);
  return [
    `${escapeControl(unit)}  invocation ${escapeControl(t.invocation)}  ${t.signalAt}`,
    `  signal   ${t.signal === null ? '?' : escapeControl(t.signal)}, ${t.busyAtSignal ?? '?'} task(s) in flight`,
    `  drain    ${s(t.drainMs)}: ${t.settled} settled, ${t.aborted} force-aborted`,
    `  cleanup  ${s(t.cleanupMs)}`,
    t.complete ? `  bye      total ${s(t.totalMs)}${budget}` : '  bye      (missing: the process was killed before it finished)',
  ];
}
