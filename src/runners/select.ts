/**
 * The runner `serve` uses: process mode through the supervisor, container mode through
 * `docker exec`, picked per agent. The container runner and its engine load only when some
 * instance runs in a container. Also the real ways to stop a crashed run's leftovers.
 */
import type { AgentInstance } from '../config/instances.js';
import type { Config } from '../config/schema.js';
import type { Runtime } from '../runtime.js';
import type { JournalLogger } from '../systemd/journal/journal.js';
import type { TaskRunner } from '../tasks/dispatcher.js';
import type { LeftoverKillers } from '../tasks/leftovers.js';
import { createProcessRunner } from './process-runner.js';
import { agentHome, agentStateDir } from '../config/agent-paths.js';
import type { AgentWorkspace, CredentialSource } from './agent-env.js';
import { outputLogDir } from '../config/agent-paths.js';
import { makeDir } from '../make-dir.js';
import { openTaskLog, pruneTaskLogs } from '../tasks/output-log.js';
import type { OpenTaskLog } from './process-runner.js';

/** One runner that picks process or container mode per agent. */
export async function selectRunner(
  config: Config,
  instances: ReadonlyMap<string, AgentInstance>,
  runtime: Runtime,
  logger: JournalLogger,
): Promise<TaskRunner> {
  const common = {
    instances,
    env: runtime.env,
    cwd: runtime.cwd,
    graceMs: config.shutdown.abort_grace_ms,
    outputLog: taskLogOpener(config, runtime),
  };
  const processRunner = createProcessRunner({
    ...common,
    workspaces: agentWorkspaces(config, instances, runtime.cwd),
    credentials: credentialSource(config, runtime.env),
  });
  if (![...instances.values()].some((i) => i.type.mode === 'container')) return processRunner;
  const [{ createContainerRunner }, { createEngine }] = await Promise.all([
    import('./container-runner.js'),
    import('../containers/engine.js'),
  ]);
  let engine: ReturnType<typeof createEngine> | undefined;
  const containerRunner = createContainerRunner({
    ...common,
    serviceName: config.service.name,
    engine: () => (engine ??= createEngine({ env: runtime.env })),
    log: (m, f) => logger.info(m, f),
  });
  return (task, ctx) => (instances.get(task.agent)?.type.mode === 'container' ? containerRunner(task, ctx) : processRunner(task, ctx));
}

/** Each process-mode instance's cwd, HOME and state directory, from the config. */
export function agentWorkspaces(config: Config, instances: ReadonlyMap<string, AgentInstance>, cwd: string): Map<string, AgentWorkspace> {
  const out = new Map<string, AgentWorkspace>();
  for (const instance of instances.values()) {
    if (instance.type.mode !== 'process') continue;
    out.set(instance.name, {
      cwd: instance.type.cwd ?? cwd,
      home: agentHome(config, instance),
      stateDir: agentStateDir(config, instance),
    });
  }
  return out;
}

/** Opens each task's output log under `<data dir>/logs`, pruning old logs at most once a minute (and at the first task). */
export function taskLogOpener(config: Config, runtime: Runtime): OpenTaskLog {
  const dir = outputLogDir(config);
  const { max_age_days: days, max_total_bytes: maxTotalBytes } = config.service.output_logs;
  let pruned = -Infinity;
  return (task, maxBytes) => {
    const now = runtime.clock.now();
    if (now - pruned >= 60_000) {
      pruned = now;
      try {
        makeDir(dir);
      } catch {
        // No log directory: openTaskLog below keeps nothing, the task runs on.
      }
      pruneTaskLogs(dir, { maxAgeMs: days * 86_400_000, maxTotalBytes, now });
    }
    return openTaskLog(dir, task.id, maxBytes);
  };
}

/** Where the agents' credentials are: systemd's `$CREDENTIALS_DIRECTORY`, else the configured files. */
export function credentialSource(config: Config, env: Runtime['env']): CredentialSource {
  return { directory: env['CREDENTIALS_DIRECTORY'], files: config.service.credentials };
}

/** The real ways to stop a crashed run: its process group, or its processes in the container. */
export function leftoverKillers(config: Config, runtime: Runtime): LeftoverKillers {
  return {
    processGroup: async (pid, startTime) => {
      (await import('../supervisor/group.js')).signalGroup(pid, startTime, 'SIGKILL');
    },
    inContainer: async (agent, taskId) => {
      const [{ createEngine }, { killTaskInContainer }, { containerName }] = await Promise.all([
        import('../containers/engine.js'),
        import('../containers/orphan-guard.js'),
        import('../containers/labels.js'),
      ]);
      await killTaskInContainer({
        engine: createEngine({ env: runtime.env }),
        container: containerName(config.service.name, agent),
        taskId,
        graceMs: config.shutdown.abort_grace_ms,
      });
    },
  };
}
