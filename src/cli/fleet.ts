/** Shared setup for the container verbs: config → instances, engine, and printing results. */
import type { AgentInstance } from '../config/instances.js';
import type { ContainerEngine } from '../containers/engine.js';
import type { FleetLine } from '../containers/format.js';
import { ExitCode } from '../errors.js';
import { loadCliConfig } from './config-option.js';
import type { CliContext } from './context.js';
import { readMachineId } from './machine-id.js';
import { printJson, printLines } from './output.js';

/** What agents-sync and containers-down work on. */
export interface FleetContext {
  /** The engine (binary from HOOKS_CONTAINER_ENGINE, engine from DOCKER_HOST). */
  engine: ContainerEngine;
  /** The service name. */
  serviceName: string;
  /** Desired state: the instances this host runs (`pool[].host` names it, or no host), of those the agents table holds for this config. */
  instances: AgentInstance[];
  /** The instances other hosts run: their containers are left alone. */
  elsewhere: AgentInstance[];
  /** Write the agents table (after an engine pass that reached the engine, so a failed pass changes nothing). */
  persist(): Promise<void>;
}

/** Load the config and build the engine (lazily importing both). The instances are the rows `store.syncAgents` writes to the agents table, the one source of truth `serve` uses too. */
export async function loadFleet(ctx: CliContext, configFlag: string | undefined): Promise<FleetContext> {
  const [{ config }, { listInstances }, { createEngine }, { resolveHostId, splitByHost }] = await Promise.all([
    loadCliConfig(ctx, configFlag),
    import('../config/instances.js'),
    import('../containers/engine.js'),
    import('../tasks/hosts.js'),
  ]);
  // The agents table holds every instance (it is shared by the hosts); the engine passes touch only this host's.
  const instances = listInstances(config);
  const { own, elsewhere } = splitByHost(instances, resolveHostId(config.service.host_id, readMachineId()));
  const persist = async () => {
    const [{ openTaskStore }, { agentSpecs }] = await Promise.all([import('../tasks/open-store.js'), import('../tasks/agents.js')]);
    const { serviceSecrets } = await import('../service/secrets.js');
    const store = await openTaskStore(config.service.db, ctx.runtime.clock, {
      password: serviceSecrets(config, ctx.runtime.env).dbPassword,
    });
    try {
      await store.syncAgents(agentSpecs(instances));
    } finally {
      await store.close();
    }
  };
  return { engine: createEngine({ env: ctx.runtime.env }), serviceName: config.service.name, instances: own, elsewhere, persist };
}

/** Print results as lines or JSON, and set exit 1 when any failed. */
export async function printFleet(ctx: CliContext, results: readonly FleetLine[], json: boolean | undefined): Promise<void> {
  const { anyFailed, formatFleetLines, leftAloneLine } = await import('../containers/format.js');
  const summary = leftAloneLine(results);
  if (json) printJson(ctx.runtime.stdout, results);
  else if (results.length === 0) ctx.runtime.stderr.write('hooksctl: no container-mode agents in the config; nothing to do\n');
  else printLines(ctx.runtime.stdout, [...formatFleetLines(results), ...(summary === null ? [] : [summary])]);
  if (anyFailed(results)) ctx.setExitCode(ExitCode.checkFailed);
}
