/**
 * Boot: open the store and bring the agents table in line with the config; after the port
 * listens (the single-instance check), stop leftover runs and recover crashed rows.
 */
import { listInstances, type AgentInstance } from '../config/instances.js';
import type { Config } from '../config/schema.js';
import type { Clock } from '../runtime.js';
import type { JournalLogger } from '../systemd/journal/journal.js';
import { agentSpecs } from '../tasks/agents.js';
import { stopLeftovers, type LeftoverKillers } from '../tasks/leftovers.js';
import { openTaskStore } from '../tasks/open-store.js';
import { recoverAtBoot, type RecoveryOptions, type RecoveryReport } from '../tasks/recovery.js';
import type { StoreOptions, TaskStore } from '../tasks/store.js';

/** The store and the instances the agents table holds. */
export interface Booted {
  /** The open task store. */
  store: TaskStore;
  /** Configured instances that are in the agents table, by name. */
  instances: ReadonlyMap<string, AgentInstance>;
}

/** Open the store (as host `store.hostId`) and sync the agents table from the config; queued tasks of removed agents fail. */
export async function openStoreAndAgents(
  config: Config,
  clock: Clock,
  logger: JournalLogger,
  storeOptions: StoreOptions = {},
): Promise<Booted> {
  const store = await openTaskStore(config.service.db, clock, { onError: (m) => logger.warn(m), ...storeOptions });
  const configured = listInstances(config);
  try {
    const { agents, orphaned } = await store.syncAgents(agentSpecs(configured));
    for (const id of orphaned) logger.warn(`task ${id} failed: its agent is no longer configured`, { TASK_ID: id });
    const names = new Set(agents.map((a) => a.name));
    return { store, instances: new Map(configured.filter((i) => names.has(i.name)).map((i) => [i.name, i])) };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Stop what a crash (or a lost lease) left running on this host, then recover its rows (crashed, and requeued when configured). */
export async function recoverLeftovers(
  booted: Booted,
  killers: LeftoverKillers,
  options: RecoveryOptions,
  logger: JournalLogger,
): Promise<RecoveryReport> {
  await stopLeftovers(await booted.store.leftovers(), booted.instances, killers, (m) => logger.warn(m));
  const recovery = await recoverAtBoot(booted.store, options);
  for (const id of recovery.crashed) logger.warn(`task ${id} was running when the service died: marked crashed`, { TASK_ID: id });
  for (const [old, fresh] of recovery.requeued) logger.info(`task ${old} queued again as ${fresh}`, { TASK_ID: fresh, RETRY_OF: old });
  for (const id of recovery.exhausted) {
    const row = await booted.store.get(id);
    const history = row ? await booted.store.attempts(row.root_id) : [];
    const story = history.map((a) => `#${a.attempt} ${a.status}${a.reason ? `/${a.reason}` : ''}`).join(', ');
    logger.warn(`task ${id} failed: it ran ${history.length} times without finishing (${story})`, {
      TASK_ID: id,
      ROOT_ID: row?.root_id ?? id,
      ATTEMPTS: history.length,
    });
  }
  return recovery;
}
