/**
 * The composition root of `hooksctl serve`. It runs the named steps in order: listen for
 * stop signals, boot (store, agents), runners and dispatcher, health, the front door,
 * listen, recover leftovers, READY; then it waits for the drain. READY=1 goes out only after
 * the port listens, the store is open and crash recovery ran; queued tasks start just after it.
 */
import { isDatabaseUrl } from '../config/db-url.js';
import type { Config } from '../config/schema.js';
import { ExitCode } from '../errors.js';
import { monitorLag } from '../event-loop-lag.js';
import { leftoverKillers, selectRunner } from '../runners/select.js';
import { loadSupervisor } from '../runners/process-runner.js';
import type { Runtime } from '../runtime.js';
import { createSseHub } from '../server/sse-hub.js';
import { planDrainFromConfig } from '../shutdown/budget.js';
import type { SettledTask } from '../shutdown/drain.js';
import { MESSAGE_IDS } from '../systemd/journal/catalog.js';
import { createJournalLogger, type JournalLogger } from '../systemd/journal/journal.js';
import { parseListenFds, withoutListenEnv } from '../systemd/listen/listen-fds.js';
import { createNotifier, type Notifier } from '../systemd/notify/notify.js';
import { realTimers, type Timers } from '../timers.js';
import { startWatchdog } from '../systemd/notify/watchdog.js';
import { createDispatcher, type DispatchEvent } from '../tasks/dispatcher.js';
import type { TaskRow } from '../tasks/types.js';
import { openStoreAndAgents, recoverLeftovers } from './boot.js';
import { startHostLoop } from '../tasks/host-loop.js';
import { watchCancels } from '../tasks/cancel-watch.js';
import { liveHosts, ownInstances, resolveHostId } from '../tasks/hosts.js';
import { serviceSecrets } from './secrets.js';
import { fleetContainerStates } from './container-states.js';
import { createServeDrain } from './drain.js';
import { createHealth } from './health.js';
import type { Intake } from '../server/deps.js';
import { announceQueued } from '../server/admit.js';
import { buildFrontDoor, listenFrontDoor } from './server.js';
import { listenForStop } from './signals.js';
import { routeStop, waitForDrain } from './pending-drain.js';
import { watchOwnQueues } from './queue-watch.js';
import { createStatusLine, describeLoad } from './status.js';

export { describeLoad } from './status.js';

// How long queued tasks wait after READY=1, so the requests held in the backlog during a restart are answered first.
const BACKLOG_TURN_MS = 25;

/** Inputs of {@link runService}. */
export interface ServiceOptions {
  /** The loaded config. */
  config: Config;
  /** The outside world. */
  runtime: Runtime;
  /** This process's pid (WATCHDOG_PID checks). */
  pid: number;
  /** Override the journal logger (tests). */
  logger?: JournalLogger;
  /** Override the notifier (tests). */
  notifier?: Notifier;
  /** Override the timers (tests); the real ones are unref'd. */
  timers?: Timers;
  /** The machine id (/etc/machine-id, read by the CLI): this host's id unless `service.host_id` is set. */
  machineId?: string | undefined;
}

/** Run the service until it has drained after a signal. Resolves with the exit code. */
export async function runService(options: ServiceOptions): Promise<number> {
  const { config, runtime } = options;
  const { env, clock } = runtime;
  const timers = options.timers ?? realTimers;
  const logger = options.logger ?? createJournalLogger({ env, stderr: runtime.stderr, fields: { HOOKS_SERVICE: config.service.name } });
  const notifier = options.notifier ?? createNotifier({ env });
  const plan = planDrainFromConfig(config);
  // Socket activation: the listeners systemd passed, if any. The task children get an env
  // without LISTEN_*, so none of them takes the fds for its own.
  const listen = parseListenFds(env, options.pid);
  const childRuntime: Runtime = { ...runtime, env: withoutListenEnv(env) };
  const stop = listenForStop(runtime.signals);
  const { host, port } = config.service;

  logger.log({
    message: `starting ${config.service.name} on ${host}:${port}`,
    messageId: MESSAGE_IDS.startup,
    fields: { DB: config.service.db },
  });
  const hostId = resolveHostId(config.service.host_id, options.machineId);
  const { lease_ms: leaseMs, lease_renew_ms: renewMs } = config.service;
  const storeOptions = { hostId, leaseMs, timers, password: serviceSecrets(config, env).dbPassword };
  const booted = await openStoreAndAgents(config, clock, logger, storeOptions).catch((error: unknown) => {
    stop.uninstall();
    throw error;
  });
  const { store, instances } = booted;
  // This host runs its own instances (and those that name no host); it takes intake for all of them.
  const own = new Map(ownInstances(instances.values(), hostId).map((i) => [i.name, i]));
  const remote = [...instances.keys()].filter((name) => !own.has(name));
  const hub = createSseHub({ log: store, timers, onError: (message) => logger.warn(message) });
  const statusLine = createStatusLine(notifier);
  const settles = new Set<(t: SettledTask) => void>();
  const dispatcher = createDispatcher({
    store,
    clock,
    agents: [...own.keys()],
    remote,
    // On a shared store a run stops once its lease may have run out, so no two hosts run it at once.
    lease: { timers, renewMs, ...(isDatabaseUrl(config.service.db) ? { leaseMs } : {}) },
    runner: await selectRunner(config, own, childRuntime, logger),
    onError: (message) => logger.error(message),
    onEvent: (event: DispatchEvent) => {
      hub.broadcast(event.type, event);
      if (event.type === 'task_ended')
        for (const cb of settles) cb({ id: event.id, agent: event.agent, status: event.status, durationMs: event.duration_ms });
      if (readySent && drain.state() === 'running') statusLine.status(describeLoad(dispatcher.busy().length, dispatcher.queued()));
    },
  });

  // The one answer to "what happens to new work": run it once the queues are open and until the
  // drain begins; before and after, store it for the next instance (or refuse it, with intake=refuse).
  let open = false;
  let readySent = false;
  let closing = false;
  const intake = (): Intake => {
    if (open && drain.state() === 'running') return 'open';
    return config.shutdown.intake === 'queue' ? 'defer' : 'refuse';
  };
  const lag = monitorLag(() => clock.monotonic(), timers);
  const health = createHealth({
    store,
    dispatcher,
    lagMs: lag.lagMs,
    state: () => (readySent ? drain.state() : 'starting'),
    accepting: () => intake() === 'open',
    remoteStore: isDatabaseUrl(config.service.db),
    timers,
  });
  const server = buildFrontDoor({
    config,
    env,
    store,
    dispatcher,
    hub,
    agents: new Set(instances.keys()),
    intake,
    closing: () => closing,
    health: health.report,
    logger,
    // The dashboard's container column: only when an instance here runs in a container.
    ...([...own.values()].some((i) => i.type.mode === 'container')
      ? { containerStates: fleetContainerStates(config.service.name, childRuntime.env, clock, timers) }
      : {}),
    hosts: {
      hostId,
      instanceHosts: new Map([...instances.values()].flatMap((i) => (i.host === undefined ? [] : [[i.name, i.host] as const]))),
      liveHosts: async () => liveHosts(await store.hosts(), hostId, clock.now(), leaseMs),
    },
  });
  let stopLoops = (): void => lag.stop();
  const drain = createServeDrain({
    plan,
    clock,
    timers,
    dispatcher,
    store,
    hub,
    server,
    logger,
    notifier,
    statusLine,
    onSettled: (cb) => {
      settles.add(cb);
      return () => settles.delete(cb);
    },
    stopLoops: () => stopLoops(),
    intake: config.shutdown.intake,
    beginClose: () => {
      closing = true;
    },
  });

  try {
    const adopted = await listenFrontDoor(server, config, listen);
    if (adopted !== null)
      logger.info(`socket activation: adopted ${adopted.adopted.map((a) => `fd ${a.fd} (${a.kind}, ${a.name})`).join(', ')}`, {
        LISTEN_FDS: adopted.adopted.length,
      });
  } catch (error) {
    lag.stop();
    stop.uninstall();
    await store.close();
    throw error;
  }

  // Each new attempt of a crashed or drained task is announced as it is queued (the rest were announced when stored).
  const recoveryOptions = {
    requeue: config.shutdown.requeue,
    maxAttempts: config.shutdown.max_attempts,
    onRequeued: (row: TaskRow) => announceQueued(hub, row),
  };
  // Listening is also the single-instance check: recovery must not touch the rows of a live twin.
  const recovery = await recoverLeftovers(booted, leftoverKillers(config, childRuntime), recoveryOptions, logger);
  const finished = waitForDrain(drain, dispatcher, logger);
  // Queued tasks start only after READY=1 (below): READY waits for what intake needs, not for spawning agents.
  dispatcher.hold();
  // Open first, then load the queue: a task stored while starting is in the list, or else submitted by its own request.
  open = true;
  for (const task of await store.list('queued')) if (!remote.includes(task.agent)) dispatcher.submit(task);
  await store.heartbeat().catch((error: unknown) => logger.warn(`could not record this host's heartbeat: ${(error as Error).message}`));
  const unwatch = await watchOwnQueues(store, new Set(own.keys()), dispatcher, logger);
  // A cancel asked on another host for a task running here: the store tells us, we abort the run.
  const unwatchCancels = await watchCancels({
    store,
    abortRun: (id, reason) => dispatcher.abortRun(id, reason),
    timers,
    everyMs: renewMs,
    onAborted: (id, reason) =>
      logger.info(`task ${id}: cancel requested on another host; stopping the run`, { TASK_ID: id, REASON: reason }),
    onError: (message) => logger.warn(message),
  });
  // The ready line is in the journal by the time `systemctl start` returns.
  logger.log({
    message: `ready: listening on ${host}:${port}, host ${hostId}, ${own.size} of ${instances.size} agents here, ${recovery.requeued.length} requeued`,
    messageId: MESSAGE_IDS.ready,
    fields: { PORT: port, AGENTS: instances.size, HOST_ID: hostId },
  });
  // READY=1 is the first message systemd gets: no STATUS= or WATCHDOG= before it.
  notifier.ready(describeLoad(dispatcher.busy().length, dispatcher.queued()));
  readySent = true;
  const watchdog = startWatchdog({ env, pid: options.pid, notifier, healthCheck: health.alive });
  const stopHostLoop = startHostLoop({
    store,
    timers,
    everyMs: renewMs,
    recovery: recoveryOptions,
    agents: new Set(own.keys()),
    onQueued: (row) => dispatcher.submit(row),
    onReclaimed: (reclaimed, requeued) =>
      logger.warn(`reclaimed ${reclaimed.length} task(s) whose host lost its lease; ${requeued.length} queued again by this host`, {
        TASK_IDS: reclaimed.join(','),
      }),
    onError: (message) => logger.warn(message),
  });
  stopLoops = () => {
    lag.stop();
    watchdog.stop();
    stopHostLoop();
    void unwatch();
    void unwatchCancels();
  };
  hub.broadcast('service_ready', { pid: options.pid, agents: instances.size, requeued: recovery.requeued.length });
  // A stop requested during start-up: queued tasks stay queued for the next boot. Otherwise they
  // start once the requests that waited in the socket's backlog for this instance had a turn.
  // The supervisor (execa) is loaded then too, not at READY: loading it takes the event loop for
  // ~12 ms, which the backlog's requests would wait out.
  if (stop.early().length === 0)
    timers.setTimeout(() => {
      if (drain.state() !== 'running') return;
      loadSupervisor().catch(() => undefined); // a failure to load is the first task's error, reported there
      dispatcher.release();
    }, BACKLOG_TURN_MS);
  routeStop(stop, finished);

  const report = await finished.report;
  stop.uninstall();
  notifier.status(`stopped: ${report.settled} settled, ${report.aborted.length} aborted`);
  return report.failed ? ExitCode.internal : ExitCode.ok;
}
