/**
 * `hooksctl/containers`: long-lived agent containers next to a systemd service.
 *
 * An engine port over the `docker` (or `podman`) CLI, labelled containers (docker-run(1)
 * `--label`) with a config hash, and a reconciler that converges the fleet to the desired
 * state in one list and one batched inspect per pass; `containersDown` stops it. Container
 * processes live outside the unit's cgroup (systemd.kill(5) cannot reach them), which is why
 * {@link killTaskInContainer} exists for the drain's cleanup.
 */
export { createEngine } from './engine.js';
export type { ContainerEngine, CreateEngineOptions, EngineCallOptions, EngineResult, EngineTrace } from './engine.js';
export { configHash, containerName, LABEL_HASH, LABEL_INSTANCE, LABEL_SERVICE } from './labels.js';
export { reconcile } from './reconcile.js';
export type { ReconcileOptions, ReconcileResult } from './reconcile.js';
export { planReconcile } from './reconcile-plan.js';
export type { ReconcileAction } from './reconcile-plan.js';
export { containersDown } from './down.js';
export type { ContainersDownOptions, DownAction, DownResult } from './down.js';
export { killTaskInContainer } from './orphan-guard.js';
export type { KillTaskOptions, KillTaskResult } from './orphan-guard.js';
