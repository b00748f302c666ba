/**
 * Where each agent instance works and keeps its state, derived from the config once: the
 * runners hand these paths to the agent, and install-unit opens them in the unit's sandbox.
 */
import { dirname, join } from 'node:path';
import type { AgentInstance } from './instances.js';
import type { Config } from './schema.js';

/** The data directory: `service.data_dir`, else the directory of `service.db`, which the service always writes. */
export function dataDirectory(config: Config): string {
  return config.service.data_dir ?? dirname(config.service.db);
}

/** An instance's state directory: `state_dir`, else `<data dir>/agents/<instance>`. */
export function agentStateDir(config: Config, instance: AgentInstance): string {
  return instance.type.state_dir ?? join(dataDirectory(config), 'agents', instance.name);
}

/** An instance's HOME: `home`, else its state directory. */
export function agentHome(config: Config, instance: AgentInstance): string {
  return instance.type.home ?? agentStateDir(config, instance);
}

/** The directory of the per-task output logs: `<data dir>/logs`. */
export function outputLogDir(config: Config): string {
  return join(dataDirectory(config), 'logs');
}
