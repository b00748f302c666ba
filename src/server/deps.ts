/** What the HTTP layer needs from the service, injected. */
import type { RunState } from '../containers/reconcile-plan.js';
import type { Dispatcher } from '../tasks/dispatcher.js';
import type { TaskStore } from '../tasks/store.js';
import type { SseHub } from './sse-hub.js';

/**
 * What the service does with new work: `open` runs it; `defer` stores it queued and answers 202
 * with `deferred: true` (while starting or draining, for the next instance); `refuse` answers 503.
 */
export type Intake = 'open' | 'defer' | 'refuse';

/** Health as /healthz reports it. */
export interface Health {
  /** True when every check passes and the service accepts work. */
  ok: boolean;
  /** The drain state (`running`, `draining`, ...), or `starting`. */
  state: string;
  /** Tasks in flight. */
  running: number;
  /** Tasks queued. */
  queued: number;
  /** Each check by name. */
  checks: Record<string, boolean>;
}

/** One live host as `/overview` lists it. */
export interface HostView {
  /** Its `service.host_id`. */
  id: string;
  /** Its last heartbeat (ISO 8601). */
  seen_at: string;
  /** True for the host that answered. */
  self: boolean;
}

/** Dependencies of {@link buildServer}. */
export interface ServerDeps {
  /** The task store. */
  store: TaskStore;
  /** Where accepted tasks go. */
  dispatcher: Dispatcher;
  /** The SSE fan-out. */
  hub: SseHub;
  /** Known agent instance names (from the agents table). */
  agents: ReadonlySet<string>;
  /** Bearer token; when set, requests need `Authorization: Bearer <token>`. */
  token: string | undefined;
  /** HMAC secret for /webhook/forgejo. */
  webhookSecret: string | undefined;
  /** What happens to new work now: run it, store it for the next instance, or answer 503. */
  intake(): Intake;
  /** True once the hand-over began: every response carries `Connection: close`. */
  closing(): boolean;
  /** Current health. */
  health(): Promise<Health>;
  /** Log a line (to the journal). */
  log(message: string, fields?: Record<string, string | number>): void;
  /** Max request body in bytes. */
  bodyLimit?: number;
  /** This host's id (`service.host_id`); absent: a single-host service. */
  hostId?: string;
  /** The host each instance names (`pool[].host`); an instance absent here runs on any host. */
  instanceHosts?: ReadonlyMap<string, string>;
  /** The hosts alive now on the shared store (heartbeat within the lease), for `/overview`. */
  liveHosts?: () => Promise<HostView[]>;
  /** The directory of the per-task output logs (`GET /tasks/:id/output`); undefined: no such route. */
  outputLogDir?: string;
  /** The state of this host's containers by instance (`/overview`); absent: no instance here runs in a container. */
  containerStates?: () => Promise<ReadonlyMap<string, RunState>>;
}
