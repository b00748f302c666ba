/**
 * The composition root of `hooksctl serve`: wires the real store, dispatcher, runners,
 * HTTP server, sd_notify, journal, watchdog and the drain. READY=1 goes out only after
 * the port listens, the store is open and crash recovery ran; SIGTERM/SIGINT drain.
 */
import { listInstances, type AgentInstance } from './config/instances.js';
import type { Config } from './config/schema.js';
import { ExitCode, HooksError } from './errors.js';
import { monitorLag } from './event-loop-lag.js';
import type { Runtime } from './runtime.js';
import { buildServer } from './server/app.js';
import { RETRY_AFTER_S } from './server/app.js';
import { createSseHub } from './server/sse-hub.js';
import { budgetFromConfig, planDrain, resolveTimeoutStopMs } from './shutdown/budget.js';
import { createDrain, type DrainReport } from './shutdown/coordinator.js';
import { MESSAGE_IDS } from './systemd/catalog.js';
import { startExtender } from './systemd/extend.js';
import { createJournalLogger, type JournalLogger } from './systemd/journal.js';
import { createNotifier, type Notifier } from './systemd/notify.js';
import { startWatchdog } from './systemd/watchdog.js';
import { syncAgents } from './tasks/agents.js';
import { openDatabase } from './tasks/db.js';
import { createDispatcher, type DispatchEvent, type TaskRunner } from './tasks/dispatcher.js';
import { createProcessRunner, loadSupervisor } from './tasks/process-runner.js';
import { recoverAtBoot } from './tasks/recovery.js';
import { createTaskStore } from './tasks/store.js';
import { stopLeftovers, type LeftoverKillers } from './tasks/leftovers.js';

/** Inputs of {@link runService}. */
export interface ServiceOptions {
  config: Config;
  runtime: Runtime;
  pid: number;
  /** Override the journal logger / notifier (tests). */
  logger?: JournalLogger;
  notifier?: Notifier;
}

/** Extend mode: a drain counts as progressing while some task settled or wrote output within this window. */
export const STALL_MS = 10_000;

/** Run the service until it has drained after a signal. Resolves with the exit code. */
export async function runService(options: ServiceOptions): Promise<number> {
  const { config, runtime } = options;
  const { env, clock } = runtime;
  const logger = options.logger ?? createJournalLogger({ env, stderr: runtime.stderr, fields: { HOOKS_SERVICE: config.service.name } });
  const notifier = options.notifier ?? createNotifier({ env });
  const budget = planDrain(budgetFromConfig(config.shutdown), resolveTimeoutStopMs(budgetFromConfig(config.shutdown), config.unit.timeout_stop_sec));

  // Signals first: a signal before READY still drains cleanly once start-up settles.
  let onSignal: (name: string) => void = () => {};
  const early: string[] = [];
  const uninstall = (['SIGTERM', 'SIGINT'] as const).map((s) => runtime.signals.on(s, (sig) => onSignal(sig)));
  onSignal = (sig) => { early.push(sig); };

  logger.log({ message: `starting ${config.service.name} on ${config.service.host}:${config.service.port}`, messageId: MESSAGE_IDS.startup, fields: { DB: config.service.db } });
  const db = await openDatabase(config.service.db);
  const store = createTaskStore(db, clock);
  const instances = listInstances(config);
  const { agents, orphaned } = syncAgents(db, instances, new Date(clock.now()).toISOString());
  for (const id of orphaned) logger.warn(`task ${id} failed: its agent is no longer configured`, { TASK_ID: id });
  const byName = new Map<string, AgentInstance>(instances.filter((i) => agents.some((a) => a.name === i.name)).map((i) => [i.name, i]));
  const hub = createSseHub();
  const settleListeners = new Set<(t: { id: string; agent: string; status: string; durationMs: number }) => void>();
  let lastStatus = '';
  const status = (text: string) => { if (text !== lastStatus) { lastStatus = text; notifier.status(text); } };
  const dispatcher = createDispatcher({
    store, clock, agents: [...byName.keys()],
    runner: await makeRunner(config, byName, runtime, logger),
    onError: (message) => logger.error(message),
    onEvent: (event: DispatchEvent) => {
      hub.broadcast(event.type, event);
      if (event.type === 'task_ended') for (const l of settleListeners) l({ id: event.id, agent: event.agent, status: event.status, durationMs: event.duration_ms });
      if (drain.state() === 'running') status(describeLoad(dispatcher.busy().length, dispatcher.queued()));
    },
  });

  const lag = monitorLag(() => clock.monotonic());
  let refusing = false;
  let ready = false;
  const health = () => {
    let storeOk = false;
    try { storeOk = store.ping(); } catch { storeOk = false; }
    const lagOk = lag.lagMs() < 5_000;
    return { ok: storeOk && lagOk && !refusing, state: drain.state(), running: dispatcher.busy().length, queued: dispatcher.queued(), checks: { store: storeOk, event_loop: lagOk, accepting: !refusing } };
  };
  const server = await buildServer({
    store, dispatcher, hub, agents: new Set(byName.keys()),
    token: env[config.service.token_env], webhookSecret: env[config.service.webhook_secret_env],
    refusing: () => refusing || !ready, health,
    log: (message, fields) => logger.info(message, fields),
  });

  const drain = createDrain({
    clock, budget, dispatcher,
    log: (phase, message, fields) => logger.phase(phase, message, fields),
    stopping: (text) => { lastStatus = text; notifier.stopping(text); },
    status,
    refuse: (busy, drainMs) => {
      refusing = true;
      hub.broadcast('service_shutdown', { drain_ms: drainMs, busy_workers: busy.map((b) => ({ task: b.id, agent: b.agent })), retry_after_s: RETRY_AFTER_S });
      hub.closeAll();
      server.server.closeIdleConnections();
    },
    onSettled: (cb) => { settleListeners.add(cb); return () => settleListeners.delete(cb); },
    startExtension: (progress, describe) => {
      let movedAt = clock.monotonic();
      return startExtender({
        notifier, clock, timeoutStopMs: budget.timeoutStopMs, capMs: budget.capMs,
        sliceMs: budget.abortGraceMs + budget.cleanupMs + budget.marginMs + STALL_MS,
        progress: () => { if (progress()) movedAt = clock.monotonic(); return clock.monotonic() - movedAt < STALL_MS; },
        describe,
      });
    },
    whileWaiting: () => store.checkpoint('PASSIVE'),
    cleanup: async () => {
      lag.stop();
      watchdog.stop();
      await server.close();
      store.checkpoint();
      db.close();
    },
  });

  try {
    await server.listen({ host: config.service.host, port: config.service.port });
  } catch (error) {
    db.close();
    lag.stop();
    for (const u of uninstall) u();
    const code = (error as NodeJS.ErrnoException).code;
    throw new HooksError('hooks.serve.listen', `Cannot listen on ${config.service.host}:${config.service.port}: ${code ?? (error as Error).message}`, { exitCode: code === 'EADDRINUSE' || code === 'EACCES' ? ExitCode.unavailable : ExitCode.internal, cause: error });
  }
  const watchdog = startWatchdog({ env, pid: options.pid, notifier, healthCheck: () => health().checks['store'] === true && health().checks['event_loop'] === true });

  // Listening is also the single-instance check: recovery must not touch the rows of a live twin.
  await stopLeftovers(store.list('running'), byName, leftoverKillers(config, runtime), (m) => logger.warn(m));
  const recovery = recoverAtBoot(db, store, { requeue: config.shutdown.requeue, now: new Date(clock.now()).toISOString() });
  for (const id of recovery.crashed) logger.warn(`task ${id} was running when the service died: marked crashed`, { TASK_ID: id });
  for (const [old, fresh] of recovery.requeued) logger.info(`task ${old} queued again as ${fresh}`, { TASK_ID: fresh, RETRY_OF: old });

  const finished = new Promise<DrainReport>((resolve) => {
    onSignal = (sig) => {
      drain.signal(sig).then(resolve, async (error: unknown) => {
        // The drain itself failed: still abort what runs, so nothing is orphaned, and report it.
        logger.error(`drain failed: ${(error as Error).message}; aborting every task`);
        await dispatcher.abortAll('shutdown').catch(() => undefined);
        resolve({ signal: sig, settled: 0, aborted: dispatcher.busy().map((b) => b.id), drainMs: 0, totalMs: 0, failed: true });
      });
    };
  });
  // A stop requested during start-up: queued tasks stay queued for the next boot.
  if (early.length > 0) dispatcher.hold();
  for (const task of store.list('queued')) dispatcher.submit(task);
  ready = true;
  notifier.ready(describeLoad(dispatcher.busy().length, dispatcher.queued()));
  logger.log({ message: `ready: listening on ${config.service.host}:${config.service.port}, ${byName.size} agents, ${recovery.requeued.length} requeued`, messageId: MESSAGE_IDS.ready, fields: { PORT: config.service.port, AGENTS: byName.size } });
  for (const sig of early) onSignal(sig);
  void loadSupervisor(); // warm it after READY, so the first task does not wait for it

  const report = await finished;
  for (const u of uninstall) u();
  notifier.status(`stopped: ${report.settled} settled, ${report.aborted.length} aborted`);
  return report.failed ? ExitCode.internal : ExitCode.ok;
}

/** STATUS= text for the current load. */
export function describeLoad(running: number, queued: number): string {
  return running === 0 && queued === 0 ? 'idle' : `${running} running, ${queued} queued`;
}

// The real ways to stop a crashed run: its process group, or its processes in the container.
function leftoverKillers(config: Config, runtime: Runtime): LeftoverKillers {
  return {
    processGroup: async (pid, startTime) => { (await import('./supervisor/group.js')).signalGroup(pid, startTime, 'SIGKILL'); },
    inContainer: async (agent, taskId) => {
      const [{ createEngine }, { killTaskInContainer }, { containerName }] = await Promise.all([import('./containers/engine.js'), import('./containers/orphan-guard.js'), import('./containers/labels.js')]);
      await killTaskInContainer({ engine: createEngine({ env: runtime.env }), container: containerName(config.service.name, agent), taskId, graceMs: config.shutdown.abort_grace_ms });
    },
  };
}

// One runner that picks process or container mode per agent.
async function makeRunner(config: Config, instances: ReadonlyMap<string, AgentInstance>, runtime: Runtime, logger: JournalLogger): Promise<TaskRunner> {
  const common = { instances, env: runtime.env, cwd: runtime.cwd, graceMs: config.shutdown.abort_grace_ms };
  const processRunner = createProcessRunner(common);
  if (![...instances.values()].some((i) => i.type.mode === 'container')) return processRunner;
  const [{ createContainerRunner }, { createEngine }] = await Promise.all([import('./tasks/container-runner.js'), import('./containers/engine.js')]);
  let engine: ReturnType<typeof createEngine> | undefined;
  const containerRunner = createContainerRunner({ ...common, serviceName: config.service.name, engine: () => (engine ??= createEngine({ env: runtime.env })), log: (m, f) => logger.info(m, f) });
  return (task, ctx) => (instances.get(task.agent)?.type.mode === 'container' ? containerRunner(task, ctx) : processRunner(task, ctx));
}
