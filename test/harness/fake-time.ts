/**
 * Manual time for unit tests: a fake {@link Clock} and fake {@link Timers} that only move when
 * the test calls {@link FakeTime.advance}. Use it for anything that takes injected timers (state
 * machines, keepalive loops, the drain coordinator). Unlike vitest's fake timers it also covers
 * code that never touches the globals, and it flushes promise chains between timer callbacks,
 * so `await`-heavy code behaves as it would on a real event loop.
 */
import type { Clock } from '../../src/runtime.js';
import type { Timers } from '../../src/timers.js';

/** Where a {@link createFakeTime} clock starts. */
export interface FakeTimeOptions {
  /** The initial `clock.monotonic()` value, in ms (default 1000). */
  monotonic?: number;
  /** The initial `clock.now()` value, in ms since the epoch (default 2025-01-01T00:00:00Z). */
  now?: number;
}

/** A fake clock and timer source driven by the test. */
export interface FakeTime {
  /** Both readings move together, and only in {@link FakeTime.advance}. */
  readonly clock: Clock;
  /**
   * One-shot timers that fire in {@link FakeTime.advance}. Like Node, a delay below 1 ms, above
   * 2^31-1 ms or NaN counts as 1 ms, so even `setTimeout(fn, 0)` needs `advance(1)` to fire.
   */
  readonly timers: Timers;
  /**
   * Move time forward by `ms` (≥ 0). First settles pending promise chains; then fires every timer
   * due by the new time, earliest first (equal due times in the order they were set), with the
   * clock reading the timer's due time while it runs and promise chains settled after each one.
   * Timers set by a callback fire in the same call when they fall due inside the window. The clock
   * ends at exactly `now + ms`. Rejects with the error of a throwing callback (the clock then
   * stays at that callback's due time, and later timers remain pending). Calls must not overlap.
   */
  advance(ms: number): Promise<void>;
  /** Settle pending promise chains (and fire timers already due) without moving time: `advance(0)`. */
  flush(): Promise<void>;
  /** How many timers are set and not yet fired or cleared. */
  pending(): number;
  /** Milliseconds until the earliest pending timer fires, or null when none is pending. */
  nextIn(): number | null;
}

const TIMEOUT_MAX = 2 ** 31 - 1;

// Let every queued microtask (and the ones they queue) run: a macrotask turn drains the queue.
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Create a fake clock and timers starting at `options`' readings; see {@link FakeTime}. */
export function createFakeTime(options: FakeTimeOptions = {}): FakeTime {
  const monoStart = options.monotonic ?? 1000;
  const wallStart = options.now ?? Date.UTC(2025, 0, 1);
  let elapsed = 0;
  let seq = 0;
  let advancing = false;
  const due = new Map<number, { at: number; seq: number; fn: () => void }>();

  const clock: Clock = { now: () => wallStart + elapsed, monotonic: () => monoStart + elapsed };
  const timers: Timers = {
    setTimeout(fn, ms) {
      const delay = ms >= 1 && ms <= TIMEOUT_MAX ? ms : 1;
      seq += 1;
      due.set(seq, { at: elapsed + delay, seq, fn });
      return seq;
    },
    clearTimeout(handle) {
      if (typeof handle === 'number') due.delete(handle);
    },
  };

  // The pending timer that fires first (earliest due time, then the one set first).
  const earliest = (): [number, { at: number; seq: number; fn: () => void }] | undefined => {
    let best: [number, { at: number; seq: number; fn: () => void }] | undefined;
    for (const entry of due) {
      if (best === undefined || entry[1].at < best[1].at || (entry[1].at === best[1].at && entry[1].seq < best[1].seq)) best = entry;
    }
    return best;
  };

  async function advance(ms: number): Promise<void> {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}`);
    if (advancing) throw new Error('advance() is already running: await the previous call first');
    advancing = true;
    try {
      const target = elapsed + ms;
      await settle();
      for (let next = earliest(); next !== undefined && next[1].at <= target; next = earliest()) {
        const [id, timer] = next;
        due.delete(id);
        elapsed = Math.max(elapsed, timer.at);
        timer.fn();
        await settle();
      }
      elapsed = target;
      await settle();
    } finally {
      advancing = false;
    }
  }

  return {
    clock,
    timers,
    advance,
    flush: () => advance(0),
    pending: () => due.size,
    nextIn() {
      const next = earliest();
      return next === undefined ? null : Math.max(0, next[1].at - elapsed);
    },
  };
}
