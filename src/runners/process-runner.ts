/** Run a process-mode task: the type's command, payload JSON on stdin, HOOKS_TASK_ID/HOOKS_AGENT in the env. */
import type { AgentInstance } from '../config/instances.js';
import type { Env } from '../runtime.js';
import type { Outcome, RunOptions } from '../supervisor/index.js';
import type { RunContext, TaskRunner } from '../tasks/dispatcher.js';
import { outcomeToEnd } from './outcome-to-end.js';
import type { TaskRow } from '../tasks/types.js';
import { makeDir } from '../make-dir.js';
import { agentProcessEnv, type AgentWorkspace, type CredentialSource } from './agent-env.js';
import { capOutput, OutputCounter } from './output-cap.js';
import { NO_LOG, type TaskLog } from '../tasks/output-log.js';

/** Opens the full-output log of one task (src/tasks/output-log.ts). */
export type OpenTaskLog = (task: TaskRow, maxBytes: number | null) => TaskLog;

/** Options for {@link createProcessRunner}. */
export interface ProcessRunnerOptions {
  /** The agent instances by name; a task for any other agent fails with `unknown-agent`. */
  instances: ReadonlyMap<string, AgentInstance>;
  /** The service's environment: a task process gets its baseline and `pass_env` variables (src/runners/agent-env.ts). */
  env: Env;
  /** The working directory of task processes whose instance has no workspace. */
  cwd: string;
  /** Each instance's cwd, HOME and state directory (from the config); an instance without one runs in `cwd` with the service's HOME. */
  workspaces?: ReadonlyMap<string, AgentWorkspace>;
  /** Where the agents' credentials are (default: none configured). */
  credentials?: CredentialSource;
  /** Creates a directory and its parents (default {@link makeDir}); tests pass a fake. */
  makeDir?: (dir: string) => void;
  /** Opens the full-output log of a task, cut at `max_output_bytes` (default: none kept). */
  outputLog?: OpenTaskLog;
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
  /** Overall time limit (`timeout_ms`), or null. */
  timeoutMs?: number | null;
  /** Silence limit (`no_output_timeout_ms`), or null. */
  noOutputTimeoutMs?: number | null;
  /** Called with every output chunk, after the dispatcher's activity report. */
  onOutput?: (chunk: string) => void;
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
  const output = (chunk: string) => {
    ctx.onActivity();
    options.onOutput?.(chunk);
  };
  return runSupervised({
    ...(options.timeoutMs == null ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.noOutputTimeoutMs == null ? {} : { noOutputTimeoutMs: options.noOutputTimeoutMs }),
    command,
    cwd: options.cwd,
    env,
    input: task.payload,
    signal,
    graceMs: options.graceMs,
    onSpawn: (pid) => ctx.onSpawn(pid, processStartTime(pid)),
    onStdout: output,
    onStderr: output,
  });
}

/** Build the runner for process-mode agents. */
export function createProcessRunner(options: ProcessRunnerOptions): TaskRunner {
  return async (task: TaskRow, ctx: RunContext) => {
    const instance = options.instances.get(task.agent);
    if (!instance) return { status: 'failed', reason: 'unknown-agent', exitCode: null };
    const workspace = options.workspaces?.get(instance.name);
    const prepared = prepareWorkspace(workspace, options.makeDir ?? makeDir);
    if (prepared !== null) return { status: 'failed', reason: 'workspace-unavailable', exitCode: null, output: prepared };
    const env = agentProcessEnv(options.env, instance, task, workspace, options.credentials ?? { directory: undefined, files: {} });
    const counter = new OutputCounter();
    const log = (options.outputLog ?? (() => NO_LOG))(task, instance.type.max_output_bytes);
    const outcome = await superviseTask(instance.type.command, env, task, ctx, ctx.signal, {
      ...options,
      cwd: workspace?.cwd ?? options.cwd,
      timeoutMs: instance.type.timeout_ms,
      noOutputTimeoutMs: instance.type.no_output_timeout_ms,
      onOutput: (chunk) => {
        counter.add(chunk);
        log.write(chunk);
      },
    }).finally(() => log.close());
    // The supervisor reports `cancelled` only when the abort ended the run; a task that had
    // already exited keeps its real result.
    return capOutput(outcomeToEnd(outcome, null), counter.bytes, instance.type.max_output_bytes);
  };
}

// Create the state directory and HOME of a task (they live under the sandbox's writable paths); the error text, or null.
function prepareWorkspace(workspace: AgentWorkspace | undefined, mkdir: (dir: string) => void): string | null {
  if (workspace === undefined) return null;
  for (const dir of new Set([workspace.stateDir, workspace.home])) {
    try {
      mkdir(dir);
    } catch (error) {
      return `cannot create ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    }
  }
  return null;
}
