// Shutdown timelines from `journalctl -o json` entries: grouping, drain/abort/cleanup/bye, and junk.
import { describe, expect, it } from 'vitest';
import { buildTimelines, formatTimeline, type JournalJson, type ShutdownTimeline } from '../../src/shutdown/phases.js';

const T0 = Date.UTC(2025, 4, 1, 12, 0, 0); // ms
const INV = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

// One phase entry as journalctl prints it: every value a string, the timestamp in µs.
function entry(phase: string, atMs: number, fields: Record<string, unknown> = {}, invocation: string | null = INV): JournalJson {
  return {
    __REALTIME_TIMESTAMP: String((T0 + atMs) * 1000),
    SYSLOG_IDENTIFIER: 'hooksctl',
    HOOKS_SERVICE: 'claude-hooks',
    SHUTDOWN_PHASE: phase,
    MESSAGE: `${phase} message`,
    _PID: '4321',
    ...(invocation === null ? {} : { INVOCATION_ID: invocation }),
    ...fields,
  };
}

const iso = (atMs: number) => new Date(T0 + atMs).toISOString();

// The entries the drain coordinator writes for a clean drain of two tasks.
const CLEAN = [
  entry('signal', 0, { SIGNAL: 'SIGTERM', DRAIN_MS: '30000', BUSY: '2' }),
  entry('drain', 400, { TASK_ID: 'task-a', AGENT: 'dev-default', TASK_STATUS: 'succeeded', DRAIN_MS: '400' }),
  entry('drain', 1200, { TASK_ID: 'task-b', AGENT: 'dev-default', TASK_STATUS: 'failed', DRAIN_MS: '1200' }),
  entry('drain', 1201, { DRAIN_MS: '1201', SETTLED: '2' }),
  entry('cleanup', 1250, { CLEANUP_MS: '45' }),
  entry('bye', 1260, { TOTAL_MS: '1260', SETTLED: '2', ABORTED: '0' }),
];

describe('buildTimelines', () => {
  it('builds a complete timeline from a clean drain', () => {
    expect(buildTimelines(CLEAN)).toEqual<ShutdownTimeline[]>([
      {
        invocation: INV,
        service: 'claude-hooks',
        signal: 'SIGTERM',
        signalAt: iso(0),
        busyAtSignal: 2,
        drainMs: 1201,
        settled: 2,
        aborted: 0,
        tasks: [
          { id: 'task-a', outcome: 'settled', atMs: 400 },
          { id: 'task-b', outcome: 'settled', atMs: 1200 },
        ],
        cleanupMs: 45,
        byeAt: iso(1260),
        totalMs: 1260,
        timeoutStopMs: null,
        complete: true,
      },
    ]);
  });

  it('counts force-aborted tasks and takes the drain time from the abort summary', () => {
    const [t] = buildTimelines([
      entry('signal', 0, { SIGNAL: 'SIGTERM', DRAIN_MS: '3000', BUSY: '3' }),
      entry('drain', 700, { TASK_ID: 'quick', DRAIN_MS: '700' }),
      entry('abort', 3000, { DRAIN_MS: '3000', ABORTED: '2', SETTLED: '1' }),
      entry('abort', 3001, { TASK_ID: 'slow-1', AGENT: 'a' }),
      entry('abort', 3002, { TASK_ID: 'slow-2', AGENT: 'a' }),
      entry('cleanup', 3600, { CLEANUP_MS: '90' }),
      entry('bye', 3610, { TOTAL_MS: '3610', SETTLED: '1', ABORTED: '2' }),
    ]);
    expect(t).toMatchObject({ drainMs: 3000, settled: 1, aborted: 2, cleanupMs: 90, totalMs: 3610, complete: true });
    expect(t?.tasks).toEqual([
      { id: 'quick', outcome: 'settled', atMs: 700 },
      { id: 'slow-1', outcome: 'aborted', atMs: 3001 },
      { id: 'slow-2', outcome: 'aborted', atMs: 3002 },
    ]);
  });

  it('marks a timeline without bye incomplete (killed mid-drain): no bye, no total', () => {
    const [t] = buildTimelines(CLEAN.slice(0, 2));
    expect(t).toMatchObject({
      signal: 'SIGTERM',
      busyAtSignal: 2,
      settled: 1,
      drainMs: null,
      cleanupMs: null,
      byeAt: null,
      totalMs: null,
      complete: false,
    });
  });

  it("falls back to the bye entry's time when TOTAL_MS is missing", () => {
    const [t] = buildTimelines([...CLEAN.slice(0, 5), entry('bye', 1300)]);
    expect(t).toMatchObject({ totalMs: 1300, complete: true });
  });

  it('keeps the first signal when a second one escalates, and ignores the escalation line as a drain end', () => {
    const [t] = buildTimelines([
      entry('signal', 0, { SIGNAL: 'SIGTERM', DRAIN_MS: '30000', BUSY: '2' }),
      entry('drain', 100, { TASK_ID: 'a', DRAIN_MS: '100' }),
      entry('abort', 800, { SIGNAL: 'SIGINT' }),
      entry('abort', 801, { DRAIN_MS: '801', ABORTED: '1', SETTLED: '1' }),
      entry('abort', 802, { TASK_ID: 'b' }),
      entry('cleanup', 850, { CLEANUP_MS: '20' }),
      entry('bye', 860, { TOTAL_MS: '860' }),
    ]);
    expect(t).toMatchObject({ signal: 'SIGTERM', signalAt: iso(0), drainMs: 801, settled: 1, aborted: 1, totalMs: 860, complete: true });
    expect(t?.tasks.map((x) => x.id)).toEqual(['a', 'b']);
  });

  it('a second signal before the drain summary leaves the drain time unknown rather than wrong', () => {
    const [t] = buildTimelines([
      entry('signal', 0, { SIGNAL: 'SIGTERM', DRAIN_MS: '30000', BUSY: '1' }),
      entry('abort', 500, { SIGNAL: 'SIGTERM' }),
    ]);
    expect(t).toMatchObject({ drainMs: null, aborted: 0, complete: false });
  });

  it('groups by invocation, sorts each group by time and the timelines oldest first', () => {
    const later = 'ffff0000ffff0000ffff0000ffff0000';
    const shift = (e: JournalJson, ms: number, inv: string) => ({
      ...e,
      INVOCATION_ID: inv,
      __REALTIME_TIMESTAMP: String(Number(e['__REALTIME_TIMESTAMP']) + ms * 1000),
    });
    const second = CLEAN.map((e) => shift(e, 60_000, later));
    const mixed = [
      second[5],
      CLEAN[3],
      second[0],
      CLEAN[5],
      CLEAN[0],
      second[1],
      CLEAN[1],
      second[3],
      CLEAN[2],
      second[2],
      CLEAN[4],
      second[4],
    ] as JournalJson[];
    const out = buildTimelines(mixed);
    expect(out.map((t) => [t.invocation, t.signalAt])).toEqual([
      [INV, iso(0)],
      [later, iso(60_000)],
    ]);
    expect(out[0]).toEqual(buildTimelines(CLEAN)[0]);
    expect(out[1]?.tasks.map((t) => t.atMs)).toEqual([400, 1200]);
  });

  it('drops groups without a signal entry and entries that are not phase entries', () => {
    expect(buildTimelines([entry('bye', 0, {}, 'other'), { MESSAGE: 'unrelated', INVOCATION_ID: INV, __REALTIME_TIMESTAMP: '1' }])).toEqual(
      [],
    );
    expect(buildTimelines([])).toEqual([]);
  });

  it('groups entries without INVOCATION_ID by PID', () => {
    const out = buildTimelines([
      entry('signal', 0, { SIGNAL: 'SIGINT', _PID: '77' }, null),
      entry('bye', 5, { _PID: '77' }, null),
      entry('signal', 10, { _PID: '78' }, null),
    ]);
    expect(out.map((t) => [t.invocation, t.complete])).toEqual([
      ['pid:77', true],
      ['pid:78', false],
    ]);
  });

  it('reads binary-unsafe values printed as byte arrays', () => {
    const bytes = (s: string) => [...Buffer.from(s, 'utf8')];
    const [t] = buildTimelines([
      entry('signal', 0, { SIGNAL: bytes('SIGTERM'), BUSY: bytes('1') }),
      entry('drain', 10, { TASK_ID: bytes('täsk\u001b[31m') }),
    ]);
    expect(t).toMatchObject({ signal: 'SIGTERM', busyAtSignal: 1 });
    expect(t?.tasks).toEqual([{ id: 'täsk\u001b[31m', outcome: 'settled', atMs: 10 }]);
  });

  it('keeps values with newlines verbatim in the records', () => {
    const [t] = buildTimelines([entry('signal', 0, { SIGNAL: 'SIGTERM\nforged: line' }), entry('drain', 10, { TASK_ID: 'a\nb' })]);
    expect(t?.signal).toBe('SIGTERM\nforged: line');
    expect(t?.tasks[0]?.id).toBe('a\nb');
  });

  it('treats missing or malformed numbers as unknown, and values of the wrong type as missing', () => {
    const [t] = buildTimelines([
      entry('signal', 0, { SIGNAL: null, BUSY: 'two', HOOKS_SERVICE: ['a', 'b'] }),
      entry('drain', 5, { TASK_ID: 42, DRAIN_MS: '-5' }),
      entry('drain', 6, { TASK_ID: '' }),
      entry('cleanup', 7, { CLEANUP_MS: '1.5' }),
      entry('bye', 8, { TOTAL_MS: '' }),
    ]);
    expect(t).toMatchObject({
      signal: null,
      service: null,
      busyAtSignal: null,
      drainMs: null,
      settled: 0,
      cleanupMs: null,
      totalMs: 8,
      complete: true,
    });
  });

  it('skips entries whose timestamp is missing or malformed instead of failing', () => {
    const noTs = (e: JournalJson) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== '__REALTIME_TIMESTAMP'));
    const out = buildTimelines([
      ...CLEAN,
      { ...CLEAN[0], INVOCATION_ID: 'junk', __REALTIME_TIMESTAMP: 'yesterday' },
      { ...noTs(CLEAN[0] as JournalJson), INVOCATION_ID: 'none' },
      { ...CLEAN[0], INVOCATION_ID: 'huge', __REALTIME_TIMESTAMP: '9'.repeat(30) },
      { ...CLEAN[5], __REALTIME_TIMESTAMP: 'later' },
    ]);
    expect(out.map((t) => t.invocation)).toEqual([INV]);
    expect(out[0]).toEqual(buildTimelines(CLEAN)[0]);
  });

  it('skips entries that are not objects', () => {
    expect(buildTimelines([null, 'x', 5, ...CLEAN] as unknown as JournalJson[])).toEqual(buildTimelines(CLEAN));
  });
});

describe('formatTimeline', () => {
  const [clean] = buildTimelines(CLEAN);
  if (!clean) throw new Error('fixture');

  it('prints signal, drain, cleanup and bye lines, with the share of TimeoutStopSec', () => {
    expect(formatTimeline({ ...clean, timeoutStopMs: 90_000 }, 'claude-hooks.service')).toEqual([
      `claude-hooks.service  invocation ${INV}  ${iso(0)}`,
      '  signal   SIGTERM, 2 task(s) in flight',
      '  drain    1.2 s: 2 settled, 0 force-aborted',
      '  cleanup  0.0 s',
      '  bye      total 1.3 s of TimeoutStopSec 90.0 s (1%)',
    ]);
  });

  it('says what is unknown, and that bye is missing when the process was killed', () => {
    const [t] = buildTimelines([entry('signal', 0)]);
    if (!t) throw new Error('fixture');
    expect(formatTimeline(t, 'u.service').slice(1)).toEqual([
      '  signal   ?, ? task(s) in flight',
      '  drain    ?: 0 settled, 0 force-aborted',
      '  cleanup  ?',
      '  bye      (missing: the process was killed before it finished)',
    ]);
  });

  it('prints an infinite TimeoutStopSec without a percentage', () => {
    expect(formatTimeline({ ...clean, timeoutStopMs: Infinity }, 'u.service')[4]).toBe('  bye      total 1.3 s of TimeoutStopSec infinity');
    expect(formatTimeline({ ...clean, timeoutStopMs: 0 }, 'u.service')[4]).toBe('  bye      total 1.3 s of TimeoutStopSec 0.0 s');
  });

  it('keeps one line per item: newlines and escape sequences in journal values are escaped', () => {
    const lines = formatTimeline({ ...clean, signal: 'SIGTERM\n  bye      total 0.0 s', invocation: 'inv\u001b[2J' }, 'u\r.service');
    expect(lines).toHaveLength(5);
    expect(lines.join('\n').split('\n')).toHaveLength(5);
    expect(lines[0]).toBe(`u\\x0d.service  invocation inv\\x1b[2J  ${iso(0)}`);
    expect(lines[1]).toBe('  signal   SIGTERM\\x0a  bye      total 0.0 s, 2 task(s) in flight');
  });
});
