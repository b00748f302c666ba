/** Run a process-mode task: the type's command, payload JSON on stdin, HOOKS_TASK_ID/HOOKS_AGENT in the env. */
import type { AgentInstance } from '../config/instances.js';
import type { Env } from '../runtime.js';
import type { Outcome, RunOptions } from '../supervisor/index.js';
import type { RunContext, TaskRunner } from '../tasks/dispatcher.js';
import { outcomeToEnd } from './outcome-to-end.js';
import type { TaskRow } from '../tasks/types.js';

/** Options for {@link createProcessRunner}. */
export interface ProcessRunnerOptions {
  /** The agent instances by name; a task for any other agent fails with `unknown-agent`. */
  instances: ReadonlyMap<string, AgentInstance>;
  /** The base environment of every task process (the type's env and the HOOKS_* variables go on top). */
  env: Env;
  /** The working directory of task processes. */
  cwd: string;
  /** SIGTERM → SIGKILL grace when a task is aborted, in ms (`abort_grace_ms`). */
  graceMs: number;
  /** Loads the supervisor; default {@link loadSupervisor} (the real one, imported on first use). Tests pass a fake. */
  supervisor?: () => Promise<TaskSupervisor>;
}

/** What a runner needs from the supervisor (src/supervisor/); the real module is one. */
export interface TaskSupervisor {
  /** Run one child in its own process group to its outcome (the supervisor's `runSupervised`). */
  runSupervised(options: RunOptions): Promise<Outcome>;
  /** The start time of `pid`, recorded so a reused PID is never taken for the task (the supervisor's `processStartTime`). */
  processStartTime(pid: number): number | null;
}

/** Options of {@link superviseTask}. */
export interface SuperviseTaskOptions {
  /** The working directory. */
  cwd: string;
  /** SIGTERM → SIGKILL grace on abort, in ms. */
  graceMs: number;
  /** Loads the supervisor (default {@link loadSupervisor}). */
  supervisor?: (() => Promise<TaskSupervisor>) | undefined;
}

/** The environment a task's process gets. */
export function taskEnv(base: Env, instance: AgentInstance, task: TaskRow): Record<string, string | undefined> {
  return { ...base, ...instance.type.env, HOOKS_TASK_ID: task.id, HOOKS_AGENT: task.agent, HOOKS_ATTEMPT: String(task.attempt) };
}

/** Load the supervisor (and execa with it) — lazily, so that start-up to READY does not pay for it. */
export const loadSupervisor = () => import('../supervisor/index.js');

/** Run one task's command under the supervisor, reporting spawn and output to the dispatcher. */
export async function superviseTask(
  command: readonly string[],
  env: Record<string, string | undefined>,
  task: TaskRow,
  ctx: RunContext,
  signal: AbortSignal,
  options: SuperviseTaskOptions,
): Promise<Outcome> {
  const { runSupervised, processStartTime } = await (options.supervisor ?? loadSupervisor)();
  return runSupervised({
    command,
    cwd: options.cwd,
    env,
    input: task.payload,
    signal,
    graceMs: options.graceMs,
    onSpawn: (pid) => ctx.onSpawn(pid, processStartTime(pid)),
    onStdout: () => ctx.onActivity(),
    onStderr: () => ctx.onActivity(),
  });
}

/** Build the runner for process-mode agents. */
export function createProcessRunner(options: ProcessRunnerOptions): TaskRunner {
  return async (task: TaskRow, ctx: RunContext) => {
    const instance = options.instances.get(task.agent);
    if (!instance) return { status: 'failed', reason: 'unknown-agent', exitCode: null };
    const outcome = await superviseTask(instance.type.command, taskEnv(options.env, instance, task), task, ctx, ctx.signal, options);
    // The supervisor reports `cancelled` only when the abort ended the run; a task that had
    // already exited keeps its real result.
    return outcomeToEnd(outcome, null);
  };
}
