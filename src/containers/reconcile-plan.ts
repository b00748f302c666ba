/**
 * The reconcile decision table, as a pure function: desired containers plus what the engine
 * holds give exactly one action per instance. No I/O here; ./reconcile.ts carries the plan out.
 *
 * | found                                   | matching | running | action      | engine calls          |
 * |-----------------------------------------|----------|---------|-------------|-----------------------|
 * | absent                                  | -        | -       | `created`   | run -d (create+start) |
 * | present                                 | yes      | yes     | `unchanged` | none                  |
 * | present                                 | yes      | no      | `started`   | start                 |
 * | present                                 | yes      | paused  | `started`   | unpause               |
 * | present                                 | no       | any     | `recreated` | stop -t, rm, run -d   |
 * | labelled, instance no longer desired    | -        | any     | `removed`   | stop -t, rm           |
 * | labelled, a second one for an instance  | -        | any     | `removed`   | stop -t, rm           |
 * | labelled, instance of another host      | -        | any     | (left alone)| none                  |
 *
 * "matching" means the container's config-hash label and its name equal the desired ones.
 * "running" comes from inspect: State.Running (restarting counts as running), or paused.
 */
import type { DesiredContainer } from './desired.js';
import type { InspectedContainer } from './inspect-json.js';
import { LABEL_HASH, LABEL_INSTANCE } from './labels.js';

/** What reconcile did (or, in a dry run, would do) for one instance. */
export type ReconcileAction = 'created' | 'unchanged' | 'started' | 'recreated' | 'removed';

/** The running column of the table. */
export type RunState = 'running' | 'stopped' | 'paused';

/** A managed container as the engine reports it. */
export interface ObservedContainer {
  /** Container ID. */
  id: string;
  /** Container name. */
  name: string;
  /** The instance label, or null when missing. */
  instance: string | null;
  /** The config-hash label, or null when missing. */
  hash: string | null;
  /** Running, stopped or paused. */
  state: RunState;
  /** When it was last started (engine string). */
  startedAt: string;
}

/** One step of a plan. */
export interface PlanStep {
  /** The instance (for removals: the container's instance label, else its name). */
  instance: string;
  /** The container name. */
  container: string;
  /** The action. */
  action: ReconcileAction;
  /** The desired container (absent for removals). */
  desired?: DesiredContainer;
  /** The existing container (absent for creations). */
  observed?: ObservedContainer;
}

/** Turn an inspected container into the table's view of it. */
export function toObserved(c: InspectedContainer): ObservedContainer {
  const state: RunState = c.paused ? 'paused' : c.running || c.status === 'restarting' ? 'running' : 'stopped';
  return {
    id: c.id,
    name: c.name,
    instance: c.labels[LABEL_INSTANCE] ?? null,
    hash: c.labels[LABEL_HASH] ?? null,
    state,
    startedAt: c.startedAt,
  };
}

/**
 * Apply the decision table: desired steps in the desired order, then removals in name order.
 * Containers of the instances in `elsewhere` (other hosts run them, on a shared engine) are
 * neither desired here nor removed: they are left out of the plan.
 */
export function planReconcile(
  desired: readonly DesiredContainer[],
  observed: readonly ObservedContainer[],
  elsewhere: ReadonlySet<string> = new Set(),
): PlanStep[] {
  const byInstance = new Map<string, ObservedContainer>();
  const extras: ObservedContainer[] = [];
  for (const o of ownContainers(observed, elsewhere).sort(preferDesiredName(desired))) {
    if (o.instance !== null && !byInstance.has(o.instance)) byInstance.set(o.instance, o);
    else extras.push(o);
  }
  const steps: PlanStep[] = desired.map((d) => {
    const o = byInstance.get(d.instance);
    byInstance.delete(d.instance);
    return o === undefined
      ? { instance: d.instance, container: d.container, action: 'created', desired: d }
      : { instance: d.instance, container: d.container, action: decide(d, o), desired: d, observed: o };
  });
  const removals = [...byInstance.values(), ...extras].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const o of removals) steps.push({ instance: o.instance ?? o.name, container: o.name, action: 'removed', observed: o });
  return steps;
}

/** The containers of `observed` that are not labelled with an instance of `elsewhere` (another host's, left alone). */
export function ownContainers(observed: readonly ObservedContainer[], elsewhere: ReadonlySet<string>): ObservedContainer[] {
  return observed.filter((o) => o.instance === null || !elsewhere.has(o.instance));
}

// The table's row for a desired instance that has a container.
function decide(d: DesiredContainer, o: ObservedContainer): ReconcileAction {
  if (o.hash !== d.hash || o.name !== d.container) return 'recreated';
  return o.state === 'running' ? 'unchanged' : 'started';
}

// Order so that, of two containers claiming one instance, the one with the desired name is kept.
function preferDesiredName(desired: readonly DesiredContainer[]): (a: ObservedContainer, b: ObservedContainer) => number {
  const names = new Set(desired.map((d) => d.container));
  return (a, b) => Number(names.has(b.name)) - Number(names.has(a.name));
}
