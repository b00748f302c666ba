// A manual clock and timer source for the keepalive loops (vitest fake timers miss injected clocks).
import type { Clock } from '../../src/runtime.js';
import type { Timers } from '../../src/timers.js';

/** A fake monotonic clock with timers that fire when `advance` passes their due time. */
export function manualTime(): { clock: Clock; timers: Timers; advance(ms: number): Promise<void>; pending(): number } {
  let now = 1000;
  let next = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const clock: Clock = { now: () => now, monotonic: () => now };
  const timers: Timers = {
    setTimeout(fn, ms) { next += 1; due.set(next, { at: now + ms, fn }); return next; },
    clearTimeout(handle) { due.delete(handle as number); },
  };
  // Advance in 1 ms steps so timers fire in order and microtasks (async health checks) settle.
  async function advance(ms: number): Promise<void> {
    const end = now + ms;
    while (now < end) {
      now += 1;
      for (const [id, t] of [...due]) {
        if (t.at <= now) { due.delete(id); t.fn(); }
      }
      await Promise.resolve();
      await Promise.resolve();
    }
  }
  return { clock, timers, advance, pending: () => due.size };
}
