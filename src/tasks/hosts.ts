/**
 * Hosts sharing one store: each has an id (`service.host_id`, else the machine id), and each
 * agent instance may name the host that runs it. A host claims only its own instances' tasks
 * (and those of instances that name no host); it accepts intake for every instance.
 */
import type { AgentInstance } from '../config/instances.js';
import { LEASE_DEFAULTS } from '../config/defaults.js';
import type { HostRow } from './store.js';

/** The id used when neither `service.host_id` nor a machine id is known. */
export const FALLBACK_HOST_ID = 'local';

/** This host's id: the configured one, else the machine id (its file's first line), else {@link FALLBACK_HOST_ID}. */
export function resolveHostId(configured: string | undefined, machineId: string | undefined): string {
  if (configured !== undefined) return configured;
  const id = machineId?.split('\n')[0]?.trim() ?? '';
  return id === '' ? FALLBACK_HOST_ID : id;
}

/** True when `hostId` runs `instance`'s tasks: it names this host, or no host at all. */
export function runsHere(instance: AgentInstance, hostId: string): boolean {
  return instance.host === undefined || instance.host === hostId;
}

/** The instances `hostId` runs, in their order. */
export function ownInstances(instances: Iterable<AgentInstance>, hostId: string): AgentInstance[] {
  return splitByHost(instances, hostId).own;
}

/** The instances `hostId` runs, and those other hosts run (which it leaves alone), each in their order. */
export function splitByHost(instances: Iterable<AgentInstance>, hostId: string): { own: AgentInstance[]; elsewhere: AgentInstance[] } {
  const own: AgentInstance[] = [];
  const elsewhere: AgentInstance[] = [];
  for (const i of instances) (runsHere(i, hostId) ? own : elsewhere).push(i);
  return { own, elsewhere };
}

/** A host seen on the store, as `/overview` shows it. */
export interface LiveHost {
  /** Its `service.host_id`. */
  id: string;
  /** Its last heartbeat (ISO 8601). */
  seen_at: string;
  /** True for `selfId`. */
  self: boolean;
}

/** The hosts whose heartbeat is at most one lease old at `now` (this host always counts), newest first. */
export function liveHosts(seen: readonly HostRow[], selfId: string, now: number, withinMs: number = LEASE_DEFAULTS.leaseMs): LiveHost[] {
  const live = seen
    .filter((h) => h.id === selfId || now - h.seen_at <= withinMs)
    .map((h) => ({ id: h.id, seen_at: new Date(h.seen_at).toISOString(), self: h.id === selfId }));
  if (!live.some((h) => h.self)) live.unshift({ id: selfId, seen_at: new Date(now).toISOString(), self: true });
  return live;
}
