/**
 * Run a container-mode task through `docker exec` into `<service>-<instance>`. A stopped
 * container is started first (no silent limbo); one that cannot be started fails the task
 * (`container-unavailable`). On abort the orphan guard signals the in-container process
 * (TERM, grace, KILL) before the exec client is stopped, so nothing of the task survives.
 */
import type { AgentInstance } from '../config/instances.js';
import { containerName } from '../containers/labels.js';
import { containerTaskCommand, ensureContainerRunning } from '../containers/task-exec.js';
import type { ContainerEngine } from '../containers/engine.js';
import { killTaskInContainer } from '../containers/orphan-guard.js';
import type { Env } from '../runtime.js';
import type { Outcome } from '../supervisor/index.js';
import type { RunContext, TaskRunner } from '../tasks/dispatcher.js';
import { outcomeToEnd } from './outcome-to-end.js';
import { superviseTask, type OpenTaskLog, type TaskSupervisor } from './process-runner.js';
import { NO_LOG } from '../tasks/output-log.js';
import type { TaskRow } from '../tasks/types.js';
import { realTimers, type Timers } from '../timers.js';
import { pickEnv } from './agent-env.js';
import { watchLimits, type LimitKind } from './limits.js';
import { capOutput, OutputCounter } from './output-cap.js';
import type { TaskEnd } from '../tasks/store.js';

/** Options for {@link createContainerRunner}. */
export interface ContainerRunnerOptions {
  /** The agent instances by name; a task for any other agent fails with `unknown-agent`. */
  instances: ReadonlyMap<string, AgentInstance>;
  /** The service name: containers are named `<service>-<instance>`. */
  serviceName: string;
  /** The container engine, asked for once per task (so a real one is created on first use). */
  engine: () => ContainerEngine;
  /** The base environment of the `docker exec` client (the engine's env goes on top). */
  env: Env;
  /** The working directory of the `docker exec` client. */
  cwd: string;
  /** SIGTERM → SIGKILL grace for the in-container process (and the client) when a task is aborted, in ms. */
  graceMs: number;
  /** Journal line for what the runner did besides the task (started a container, ran the orphan guard). */
  log: (message: string, fields: Record<string, string>) => void;
  /** Loads the supervisor the exec client runs under (default: the lazy real one). Tests pass a fake. */
  supervisor?: () => Promise<TaskSupervisor>;
  /** Timers for `timeout_ms` and `no_output_timeout_ms` (default: the real ones). */
  timers?: Timers;
  /** Opens the full-output log of a task, cut at `max_output_bytes` (default: none kept). */
  outputLog?: OpenTaskLog;
}

/** Build the runner for container-mode agents. */
export function createContainerRunner(options: ContainerRunnerOptions): TaskRunner {
  return async (task: TaskRow, ctx: RunContext) => {
    const instance = options.instances.get(task.agent);
    if (!instance) return { status: 'failed', reason: 'unknown-agent', exitCode: null };
    const engine = options.engine();
    const container = containerName(options.serviceName, task.agent);
    const notReady = await startContainer(engine, container, task, ctx, options);
    if (notReady !== null) return notReady;
    const client = new AbortController();
    const guard = insideGuard({ engine, container, taskId: task.id, graceMs: options.graceMs, client, log: options.log });
    const limits = watchLimits({
      timeoutMs: instance.type.timeout_ms,
      noOutputTimeoutMs: instance.type.no_output_timeout_ms,
      timers: options.timers ?? realTimers,
      onLimit: (kind) => guard.stop(kind),
    });
    // An abort after a limit fired finds the guard already at work: the limit stays the reason.
    const onAbort = () => {
      if (limits.fired() !== null) return;
      limits.stop();
      guard.stop(ctx.signal.reason);
    };
    const counter = new OutputCounter();
    const log = (options.outputLog ?? (() => NO_LOG))(task, instance.type.max_output_bytes);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const command = containerTaskCommand({
        engine,
        container,
        taskId: task.id,
        agent: task.agent,
        command: instance.type.command,
        env: { ...pickEnv(options.env, instance.type.pass_env), ...instance.type.env },
        workdir: instance.type.cwd,
      });
      const outcome = await superviseTask(command, { ...options.env, ...engine.env }, task, ctx, client.signal, {
        ...options,
        onOutput: (chunk) => {
          counter.add(chunk);
          log.write(chunk);
          limits.activity();
        },
      });
      limits.stop();
      const end = endOf(outcome, limits.fired(), await guard.killedInside(), ctx.signal);
      return capOutput(end, counter.bytes, instance.type.max_output_bytes);
    } finally {
      log.close();
      limits.stop();
      ctx.signal.removeEventListener('abort', onAbort);
    }
  };
}

// Make sure the container runs (starting it when stopped); the task's end when it cannot, else null.
async function startContainer(
  engine: ContainerEngine,
  container: string,
  task: TaskRow,
  ctx: RunContext,
  options: ContainerRunnerOptions,
): Promise<TaskEnd | null> {
  try {
    if ((await ensureContainerRunning(engine, container, ctx.signal)) === 'started') {
      options.log(`container ${container} was stopped: started it before task ${task.id}`, {
        CONTAINER: container,
        TASK_ID: task.id,
        ACTION: 'started',
      });
    }
  } catch (error) {
    if (ctx.signal.aborted) return { status: 'cancelled', reason: String(ctx.signal.reason ?? 'aborted'), exitCode: null };
    return { status: 'failed', reason: 'container-unavailable', exitCode: null, output: (error as Error).message };
  }
  // An abort that came as the check finished would never reach the runner's listener (it is added too late).
  if (ctx.signal.aborted) return { status: 'cancelled', reason: String(ctx.signal.reason ?? 'aborted'), exitCode: null };
  return null;
}

// The orphan guard of one task: `stop` signals the in-container group (TERM, grace, KILL), then stops the exec client.
function insideGuard(o: {
  engine: ContainerEngine;
  container: string;
  taskId: string;
  graceMs: number;
  client: AbortController;
  log: ContainerRunnerOptions['log'];
}): { stop(reason: unknown): void; killedInside(): Promise<boolean> } {
  let guard: Promise<boolean> = Promise.resolve(false);
  return {
    stop(reason) {
      guard = killTaskInContainer({ engine: o.engine, container: o.container, taskId: o.taskId, graceMs: o.graceMs })
        .then((r) => {
          o.log(`orphan guard for task ${o.taskId}: ${r.signalled ?? 'nothing running'}${r.error ? ` (${r.error})` : ''}`, {
            TASK_ID: o.taskId,
            CONTAINER: o.container,
          });
          return r.signalled !== null;
        })
        .finally(() => o.client.abort(reason));
    },
    killedInside: () => guard,
  };
}

// How a container task ends. A passed limit is failed/<limit>; an abort ended it when the guard had
// to signal it (the exec client then exits by itself) or the supervisor stopped the client; a task
// that had already finished keeps its result.
function endOf(outcome: Outcome, limit: LimitKind | null, killedInside: boolean, signal: AbortSignal): TaskEnd {
  if (limit !== null && (killedInside || outcome.type !== 'exited'))
    return { ...outcomeToEnd(outcome, null), status: 'failed', reason: limit };
  if (signal.aborted && killedInside) return outcomeToEnd(outcome, String(signal.reason ?? 'aborted'));
  return outcomeToEnd(outcome, null);
}
