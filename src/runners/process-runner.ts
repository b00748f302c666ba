/** Run a process-mode task: the type's command, payload JSON on stdin, HOOKS_TASK_ID/HOOKS_AGENT in the env. */
import type { AgentInstance } from '../config/instances.js';
import type { Env } from '../runtime.js';
import type { Outcome } from '../supervisor/index.js';
import type { RunContext, TaskRunner } from '../tasks/dispatcher.js';
import { outcomeToEnd } from './outcome-to-end.js';
import type { TaskRow } from '../tasks/types.js';

/** Options for {@link createProcessRunner}. */
export interface ProcessRunnerOptions {
  instances: ReadonlyMap<string, AgentInstance>;
  env: Env;
  cwd: string;
  graceMs: number;
}

/** The environment a task's process gets. */
export function taskEnv(base: Env, instance: AgentInstance, task: TaskRow): Record<string, string | undefined> {
  return { ...base, ...instance.type.env, HOOKS_TASK_ID: task.id, HOOKS_AGENT: task.agent, HOOKS_ATTEMPT: String(task.attempt) };
}

/** Load the supervisor (and execa with it) — lazily, so that start-up to READY does not pay for it. */
export const loadSupervisor = () => import('../supervisor/index.js');

/** Run one task's command under the supervisor, reporting spawn and output to the dispatcher. */
export async function superviseTask(command: readonly string[], env: Record<string, string | undefined>, task: TaskRow, ctx: RunContext, signal: AbortSignal, options: { cwd: string; graceMs: number }): Promise<Outcome> {
  const { runSupervised, processStartTime } = await loadSupervisor();
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
