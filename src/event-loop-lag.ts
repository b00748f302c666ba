/** Event-loop lag: how late a periodic timer fires. Feeds the watchdog's health check. */
import type { Timers } from './timers.js';

/** A running lag monitor. */
export interface LagMonitor {
  /** The worst lag seen in the last window, in ms. */
  lagMs(): number;
  /** Stop measuring. */
  stop(): void;
}

/** Measure lag with a timer every `intervalMs`; the window keeps the last `window` samples. */
export function monitorLag(now: () => number, timers: Timers, intervalMs = 250, window = 8): LagMonitor {
  const samples: number[] = [];
  let last = now();
  let handle: unknown;
  let stopped = false;
  const tick = (): void => {
    const t = now();
    samples.push(Math.max(0, t - last - intervalMs));
    if (samples.length > window) samples.shift();
    last = t;
    if (!stopped) handle = timers.setTimeout(tick, intervalMs);
  };
  handle = timers.setTimeout(tick, intervalMs);
  return {
    lagMs: () => Math.max(0, ...samples),
    stop: () => {
      stopped = true;
      timers.clearTimeout(handle);
    },
  };
}
