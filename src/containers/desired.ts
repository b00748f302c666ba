/**
 * Desired state: one container per container-mode agent instance (`<type>-default` and pool
 * members alike). The single source of truth for both agents-sync and containers-down.
 */
import type { AgentInstance } from '../config/instances.js';
import { configHash, containerName, LABEL_HASH, LABEL_INSTANCE, LABEL_SERVICE } from './labels.js';

/** The long-lived idle main process; tasks run beside it through `docker exec`. */
export const IDLE_COMMAND: readonly string[] = ['sleep', '2147483647'];

/** One container that should exist. */
export interface DesiredContainer {
  /** The instance name. */
  instance: string;
  /** The container name. */
  container: string;
  /** The image. */
  image: string;
  /** The task command (run with `docker exec`, not as the main process). */
  command: readonly string[];
  /** Type env, set on the container and on each exec. */
  env: Readonly<Record<string, string>>;
  /** `-v` values. */
  mounts: readonly string[];
  /** `--network`, or null. */
  network: string | null;
  /** The config hash label value. */
  hash: string;
  /** Every label to set. */
  labels: Readonly<Record<string, string>>;
}

/** The containers that should exist for `instances`, in the instances' order. */
export function desiredContainers(serviceName: string, instances: readonly AgentInstance[]): DesiredContainer[] {
  return instances
    .filter((i) => i.type.mode === 'container' && i.type.image !== null)
    .map((i) => {
      const spec = { image: i.type.image ?? '', command: i.type.command, env: i.type.env, mounts: i.type.mounts, network: i.type.network };
      const hash = configHash(spec);
      return {
        instance: i.name,
        container: containerName(serviceName, i.name),
        ...spec,
        hash,
        labels: { [LABEL_SERVICE]: serviceName, [LABEL_INSTANCE]: i.name, [LABEL_HASH]: hash },
      };
    });
}

/** The `docker run -d` arguments (after `run -d`) that create and start a desired container. */
export function runArgs(d: DesiredContainer): string[] {
  const args = ['--name', d.container, '--init', '--restart', 'unless-stopped'];
  for (const [k, v] of Object.entries(d.labels)) args.push('--label', `${k}=${v}`);
  for (const [k, v] of Object.entries(d.env)) args.push('--env', `${k}=${v}`);
  for (const m of d.mounts) args.push('--volume', m);
  if (d.network !== null) args.push('--network', d.network);
  return [...args, d.image, ...IDLE_COMMAND];
}

/** A container-mode instance another host runs: reported, never touched. */
export interface LeftAlone {
  /** The instance name. */
  instance: string;
  /** The container name it has on its own host. */
  container: string;
  /** What reconcile and containers-down report for it. */
  action: 'other-host';
  /** The host that runs it (`pool[].host`). */
  host: string;
}

/** The container-mode instances of `elsewhere` (other hosts run them), as the lines that say they were left alone. */
export function leftAlone(serviceName: string, elsewhere: readonly AgentInstance[]): LeftAlone[] {
  const hosts = new Map(elsewhere.map((i) => [i.name, i.host ?? '']));
  return desiredContainers(serviceName, elsewhere).map((d) => ({
    instance: d.instance,
    container: d.container,
    action: 'other-host',
    host: hosts.get(d.instance) ?? '',
  }));
}
