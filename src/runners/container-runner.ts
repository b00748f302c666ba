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
    // An abort that came as the check finished would never reach the listener below (it is added too late).
    if (ctx.signal.aborted) return { status: 'cancelled', reason: String(ctx.signal.reason ?? 'aborted'), exitCode: null };
    const client = new AbortController();
    let guard: Promise<boolean> = Promise.resolve(false);
    // A time limit stops the task the way an abort does: the guard signals the in-container group, then the client goes.
    const stopInside = (reason: unknown) => {
      guard = killTaskInContainer({ engine, container, taskId: task.id, graceMs: options.graceMs })
        .then((r) => {
          options.log(`orphan guard for task ${task.id}: ${r.signalled ?? 'nothing running'}${r.error ? ` (${r.error})` : ''}`, {
            TASK_ID: task.id,
            CONTAINER: container,
          });
          return r.signalled !== null;
        })
        .finally(() => client.abort(reason));
    };
    const onAbort = () => {
      limits.stop();
      stopInside(ctx.signal.reason);
    };
    const limits = watchLimits({
      timeoutMs: instance.type.timeout_ms,
      noOutputTimeoutMs: instance.type.no_output_timeout_ms,
      timers: options.timers ?? realTimers,
      onLimit: (kind) => stopInside(kind),
    });
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
      // The abort ended the task when the guard had to signal it (the exec client then exits by
      // itself) or the supervisor stopped the client; a task that had already finished keeps its result.
      const killedInside = await guard;
      const end = endOf(outcome, limits.fired(), killedInside, ctx.signal);
      return capOutput(end, counter.bytes, instance.type.max_output_bytes);
    } finally {
      log.close();
      limits.stop();
      ctx.signal.removeEventListener('abort', onAbort);
    }
  };
}

// How a container task ends: a passed time limit is failed/<limit> (an abort that came first wins), else the outcome's.
function endOf(outcome: Parameters<typeof outcomeToEnd>[0], limit: LimitKind | null, killedInside: boolean, signal: AbortSignal): TaskEnd {
  if (signal.aborted && killedInside) return outcomeToEnd(outcome, String(signal.reason ?? 'aborted'));
  if (limit !== null && (killedInside || outcome.type !== 'exited'))
    return { ...outcomeToEnd(outcome, null), status: 'failed', reason: limit };
  return outcomeToEnd(outcome, null);
}
