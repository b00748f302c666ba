/**
 * Container names and labels: `<service>-<instance>`, labelled with the service, the instance
 * and a config hash (src/config/fingerprint.ts) so drift is detected without diffing the engine's view.
 */
import { fingerprint } from '../config/fingerprint.js';

/** Label holding the service name; `ps --filter label=hooksctl.service=<name>` finds the fleet. */
export const LABEL_SERVICE = 'hooksctl.service';
/** Label holding the instance name. */
export const LABEL_INSTANCE = 'hooksctl.instance';
/** Label holding the config hash. */
export const LABEL_HASH = 'hooksctl.config-hash';

/** The container name for an instance: `claude-hooks` + `dev-2` → `claude-hooks-dev-2`. */
export function containerName(serviceName: string, instance: string): string {
  return `${serviceName}-${instance}`;
}

/** What the config hash covers: the container's image, the task command, env, mounts and network. */
export interface HashedSpec {
  /** The image. */
  image: string;
  /** The task command (run via `docker exec`). */
  command: readonly string[];
  /** Environment variables. */
  env: Readonly<Record<string, string>>;
  /** `-v` values. */
  mounts: readonly string[];
  /** `--network`, or null for the engine's default. */
  network: string | null;
}

/** The sha256 (hex) of the canonical JSON of a spec. */
export function configHash(spec: HashedSpec): string {
  const { image, command, env, mounts, network } = spec;
  return fingerprint({ image, command, env, mounts, network });
}
