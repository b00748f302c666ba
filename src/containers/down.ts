/**
 * containers-down: stop every container agents-sync manages (pool members included), from the
 * same desired state plus the labelled fleet. Stopped containers stay, so agents-sync brings
 * them back with `started`.
 */
import type { AgentInstance } from '../config/instances.js';
import { desiredContainers, leftAlone } from './desired.js';
import type { ContainerEngine } from './engine.js';
import { mapLimit } from './limit.js';
import { observeFleet } from './observe.js';
import { ownContainers, type ObservedContainer } from './reconcile-plan.js';

/** What containers-down did for one container: `absent` when a desired instance has none; `other-host` when another host runs it (left alone). */
export type DownAction = 'stopped' | 'already-stopped' | 'absent' | 'other-host';

/** The outcome for one container. */
export interface DownResult {
  /** The instance name. */
  instance: string;
  /** The container name. */
  container: string;
  /** The action. */
  action: DownAction;
  /** With `other-host`: the host that runs it. */
  host?: string;
  /** Why stopping failed; absent on success. */
  error?: string;
}

/** Inputs to {@link containersDown}. */
export interface ContainersDownOptions {
  /** The engine port. */
  engine: ContainerEngine;
  /** The service name. */
  serviceName: string;
  /** The agent instances this host runs (desired state). */
  instances: readonly AgentInstance[];
  /** Instances other hosts run: their containers are not stopped here, and each gets an `other-host` line. */
  elsewhere?: readonly AgentInstance[];
  /** `stop -t` grace in seconds (default 10). */
  timeoutSec?: number;
  /** How many containers to stop at once (default 8). */
  concurrency?: number;
  /** Cancels the pass. */
  signal?: AbortSignal;
}

/** Stop every managed container; desired ones first in config order, then other labelled ones. */
export async function containersDown(opts: ContainersDownOptions): Promise<DownResult[]> {
  const elsewhere = new Set((opts.elsewhere ?? []).map((i) => i.name));
  const fleet = ownContainers(await observeFleet(opts.engine, opts.serviceName, opts.signal), elsewhere);
  const byName = new Map(fleet.map((o) => [o.name, o]));
  const targets: { instance: string; container: string; observed: ObservedContainer | undefined }[] = [];
  for (const d of desiredContainers(opts.serviceName, opts.instances)) {
    targets.push({ instance: d.instance, container: d.container, observed: byName.get(d.container) });
    byName.delete(d.container);
  }
  for (const o of byName.values()) targets.push({ instance: o.instance ?? o.name, container: o.name, observed: o });
  const stopped = await mapLimit(targets, opts.concurrency ?? 8, async ({ instance, container, observed }): Promise<DownResult> => {
    if (observed === undefined) return { instance, container, action: 'absent' };
    if (observed.state === 'stopped') return { instance, container, action: 'already-stopped' };
    try {
      await opts.engine.stop(observed.id, opts.timeoutSec ?? 10, opts.signal);
      return { instance, container, action: 'stopped' };
    } catch (error) {
      opts.signal?.throwIfAborted();
      return { instance, container, action: 'stopped', error: (error as Error).message };
    }
  });
  return [...stopped, ...leftAlone(opts.serviceName, opts.elsewhere ?? [])];
}
