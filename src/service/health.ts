/**
 * The service's health: the store answers, the event loop is not stuck, and it accepts
 * work. /healthz reports all three; the watchdog keepalive needs only the first two (a
 * draining service is alive), and only the event loop when the store is a remote server.
 * Each check runs once per call.
 */
import type { Health } from '../server/deps.js';
import type { Dispatcher } from '../tasks/dispatcher.js';
import type { TaskStore } from '../tasks/store.js';
import { withinMs } from '../time-limit.js';
import { realTimers, type Timers } from '../timers.js';

/** A lag above this fails the event-loop check. */
export const MAX_LAG_MS = 5_000;

/** A store that has not answered its ping within this fails the store check (a network that drops packets never answers). */
export const PING_TIMEOUT_MS = 2_000;

/** What the checks read. */
export interface HealthDeps {
  store: Pick<TaskStore, 'ping'>;
  dispatcher: Pick<Dispatcher, 'busy' | 'queued'>;
  /** The worst recent event-loop lag, ms. */
  lagMs(): number;
  /** The service's state: `starting`, then the drain's states. */
  state(): string;
  /** True while the service accepts new work. */
  accepting(): boolean;
  /**
   * The store is a server across the network (PostgreSQL): its outage is not this process's
   * fault and a restart would not mend it (the new instance could not even open the store), so
   * the watchdog leaves it out; /healthz still reports it.
   */
  remoteStore?: boolean;
  /** Timers for the ping's time limit (default: the real ones). */
  timers?: Timers;
}

/** The checks, as /healthz and the watchdog use them. */
export interface HealthChecks {
  /** Every check, for /healthz. */
  report(): Promise<Health>;
  /** Store (unless remote) and event loop only, for WATCHDOG=1. */
  alive(): Promise<boolean>;
}

/** Build the health checks. */
export function createHealth(deps: HealthDeps): HealthChecks {
  const timers = deps.timers ?? realTimers;
  const storeOk = (): Promise<boolean> =>
    withinMs(
      timers,
      PING_TIMEOUT_MS,
      deps.store.ping().catch(() => false),
      false,
    );
  const lagOk = (): boolean => deps.lagMs() < MAX_LAG_MS;
  return {
    async report() {
      const checks = { store: await storeOk(), event_loop: lagOk(), accepting: deps.accepting() };
      const ok = checks.store && checks.event_loop && checks.accepting;
      return { ok, state: deps.state(), running: deps.dispatcher.busy().length, queued: deps.dispatcher.queued(), checks };
    },
    async alive() {
      return lagOk() && (deps.remoteStore === true || (await storeOk()));
    },
  };
}
