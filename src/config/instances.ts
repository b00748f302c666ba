/** Agent instances derived from config: `<type>-default` for each type, plus `pool`. */
import type { AgentType, Config } from './schema.js';

/** One agent instance: a name, its type name and the type itself. */
export interface AgentInstance {
  /** Instance name, e.g. `dev-default` or `dev-2`. */
  name: string;
  /** The type's name. */
  typeName: string;
  /** The type definition. */
  type: AgentType;
  /** The host that runs it (`pool[].host`); absent: any host may. */
  host?: string;
}

/** Every instance the config declares, defaults first, in a stable order. */
export function listInstances(config: Config): AgentInstance[] {
  const out: AgentInstance[] = [];
  for (const [typeName, type] of Object.entries(config.types)) out.push({ name: `${typeName}-default`, typeName, type });
  for (const entry of config.pool) {
    const type = Object.hasOwn(config.types, entry.type) ? config.types[entry.type] : undefined;
    if (type) out.push({ name: entry.name, typeName: entry.type, type, ...(entry.host === undefined ? {} : { host: entry.host }) });
  }
  return out;
}
