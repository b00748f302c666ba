/**
 * Agent instances as the store records them: the agents table is the one source of truth for
 * which instances exist (serve and agents-sync both write it from the config).
 */
import type { AgentInstance } from '../config/instances.js';
import { fingerprint } from '../config/fingerprint.js';
import type { AgentSpec } from './store.js';

/** The store's view of configured instances: name, type, mode and a fingerprint of the type. */
export function agentSpecs(instances: readonly AgentInstance[]): AgentSpec[] {
  return instances.map((i) => ({ name: i.name, type: i.typeName, mode: i.type.mode, spec: fingerprint({ type: i.typeName, ...i.type }) }));
}
