/**
 * Reconcile: observe the fleet (one list, one batched inspect), plan with the decision table
 * (reconcile.ts), then carry out each step. A failure on one instance is reported on its
 * result and the others still converge.
 */
import type { AgentInstance } from '../config/instances.js';
import { desiredContainers, leftAlone, runArgs, type DesiredContainer } from './desired.js';
import type { ContainerEngine } from './engine.js';
import { mapLimit } from './limit.js';
import { observeFleet } from './observe.js';
import { planReconcile, type PlanStep, type ReconcileAction } from './reconcile-plan.js';

/** The outcome for one instance. */
export interface ReconcileResult {
  /** The instance name. */
  instance: string;
  /** The container name. */
  container: string;
  /** The action taken (or planned, in a dry run); `other-host` for an instance another host runs, left alone. */
  action: ReconcileAction | 'other-host';
  /** With `other-host`: the host that runs it. */
  host?: string;
  /** Why the action failed; absent on success. */
  error?: string;
}

/** Inputs to {@link reconcile}. */
export interface ReconcileOptions {
  /** The engine port. */
  engine: ContainerEngine;
  /** The service name (label value and container name prefix). */
  serviceName: string;
  /** The agent instances this host runs (desired state); process-mode ones are ignored. */
  instances: readonly AgentInstance[];
  /** Instances other hosts run (`pool[].host`): their containers are neither created nor removed here, and each gets an `other-host` line. */
  elsewhere?: readonly AgentInstance[];
  /** Plan only: report the actions without changing anything. */
  dryRun?: boolean;
  /** Grace for `stop -t` before a recreate or removal, in seconds (default 10). */
  stopTimeoutSec?: number;
  /** How many instances to change at once (default 4). */
  concurrency?: number;
  /** Cancels the pass between and during engine calls. */
  signal?: AbortSignal;
}

/** Converge the containers to the desired state; throws only when the engine is unreachable. */
export async function reconcile(opts: ReconcileOptions): Promise<ReconcileResult[]> {
  const desired = desiredContainers(opts.serviceName, opts.instances);
  const elsewhere = opts.elsewhere ?? [];
  const observed = await observeFleet(opts.engine, opts.serviceName, opts.signal);
  const plan = planReconcile(desired, observed, new Set(elsewhere.map((i) => i.name)));
  const others = leftAlone(opts.serviceName, elsewhere);
  if (opts.dryRun) return [...plan.map(({ instance, container, action }) => ({ instance, container, action })), ...others];
  return [...(await mapLimit(plan, opts.concurrency ?? 4, (step) => applyStep(opts, step))), ...others];
}

// Carry out one step, turning a failure into the result's `error`.
async function applyStep(opts: ReconcileOptions, step: PlanStep): Promise<ReconcileResult> {
  const { instance, container, action } = step;
  try {
    await mutate(opts, step);
    return { instance, container, action };
  } catch (error) {
    opts.signal?.throwIfAborted();
    return { instance, container, action, error: (error as Error).message };
  }
}

// The engine calls of one row of the decision table.
async function mutate(opts: ReconcileOptions, step: PlanStep): Promise<void> {
  const { engine, signal } = opts;
  const stopSec = opts.stopTimeoutSec ?? 10;
  const o = step.observed;
  switch (step.action) {
    case 'unchanged':
      return;
    case 'started':
      if (o?.state === 'paused') await engine.unpause(o.id, signal);
      else await engine.start(o?.id ?? step.container, signal);
      return;
    case 'created':
      await engine.runDetached(runArgs(step.desired as DesiredContainer), signal);
      return;
    case 'recreated':
    case 'removed':
      if (o !== undefined) {
        if (o.state !== 'stopped') await engine.stop(o.id, stopSec, signal);
        await engine.remove(o.id, signal);
      }
      if (step.action === 'recreated') await engine.runDetached(runArgs(step.desired as DesiredContainer), signal);
  }
}
