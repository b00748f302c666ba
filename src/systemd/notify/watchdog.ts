/**
 * Watchdog keepalive (sd_watchdog_enabled(3) semantics): read WATCHDOG_USEC / WATCHDOG_PID,
 * ping `WATCHDOG=1` at half the interval, but only while the health check passes, so systemd
 * restarts a wedged service. `trigger()` sends `WATCHDOG=trigger` on a fatal internal error.
 * See https://www.freedesktop.org/software/systemd/man/sd_watchdog_enabled.html
 */
import type { Env } from '../../runtime.js';
import type { Notifier } from './notify.js';
import { realTimers, type Timers } from '../../timers.js';

/** Options for {@link startWatchdog}. */
export interface WatchdogOptions {
  /** The environment (WATCHDOG_USEC, WATCHDOG_PID). */
  env: Env;
  /** This process's PID, compared with WATCHDOG_PID. */
  pid: number;
  /** Where the pings go. */
  notifier: Notifier;
  /** True while the service is healthy; false, a throw, or a rejection skips the ping. A check that never settles stops the keepalive, so systemd restarts the wedged service. */
  healthCheck: () => boolean | Promise<boolean>;
  /** Stops the keepalive when aborted. */
  signal?: AbortSignal;
  /** Timer source (tests inject a fake). */
  timers?: Timers;
}

/** A running (or inactive) keepalive. */
export interface WatchdogHandle {
  /** True while the keepalive loop runs (false when the watchdog is not enabled for this process, or after stop). */
  readonly active: boolean;
  /** The ping interval in ms (half of WATCHDOG_USEC), or null when inactive. */
  readonly intervalMs: number | null;
  /** Stop pinging. Idempotent. */
  stop(): void;
  /** Fatal internal error: stop pinging and send `WATCHDOG=trigger` (a no-op when inactive). */
  trigger(): void;
}

/** The watchdog interval in µs for `pid`, or null when not enabled (the sd_watchdog_enabled rules). */
export function watchdogUsec(env: Env, pid: number): number | null {
  const usecText = env['WATCHDOG_USEC'];
  if (usecText === undefined || !/^\d+$/.test(usecText)) return null;
  const usec = Number(usecText);
  if (!Number.isSafeInteger(usec) || usec <= 0) return null;
  const pidText = env['WATCHDOG_PID'];
  if (pidText !== undefined && pidText !== '' && Number(pidText) !== pid) return null;
  return usec;
}

// Run the health check; anything but a clean `true` counts as unhealthy.
async function healthy(check: () => boolean | Promise<boolean>): Promise<boolean> {
  try {
    return (await check()) === true;
  } catch {
    return false;
  }
}

/** Start the keepalive: a check and a ping now, then every `intervalMs`. */
export function startWatchdog(opts: WatchdogOptions): WatchdogHandle {
  const usec = watchdogUsec(opts.env, opts.pid);
  if (usec === null || opts.signal?.aborted === true) {
    return { active: false, intervalMs: null, stop: () => undefined, trigger: () => undefined };
  }
  const timers = opts.timers ?? realTimers;
  const intervalMs = Math.max(1, Math.floor(usec / 2000));
  let stopped = false;
  let timer: unknown;
  const tick = async (): Promise<void> => {
    if ((await healthy(opts.healthCheck)) && !stopped) opts.notifier.watchdog();
    if (!stopped) timer = timers.setTimeout(() => void tick(), intervalMs);
  };
  const stop = (): void => {
    stopped = true;
    if (timer !== undefined) timers.clearTimeout(timer);
    opts.signal?.removeEventListener('abort', stop);
  };
  opts.signal?.addEventListener('abort', stop, { once: true });
  void tick();
  return {
    get active() {
      return !stopped;
    },
    intervalMs,
    stop,
    trigger() {
      stop();
      opts.notifier.watchdogTrigger();
    },
  };
}
