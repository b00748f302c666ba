/**
 * Container-mode dispatch: the argv that runs a task inside its agent's container through
 * `docker exec -i` (payload on stdin), recording the in-container PID for the orphan guard,
 * and the "no silent limbo" check that starts a stopped container before the exec.
 */
import { ExitCode, HooksError, isHooksError } from '../errors.js';
import type { ContainerEngine } from './engine.js';

const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Where the in-container PID of a task is written: `/tmp/hooks-<taskId>.pid`. */
export function taskPidFile(taskId: string): string {
  if (!TASK_ID.test(taskId))
    throw new HooksError(
      'hooks.containers.bad_task_id',
      `Expected \`taskId\` to match ${TASK_ID} (it names a file inside the container), got ${JSON.stringify(taskId)}`,
    );
  return `/tmp/hooks-${taskId}.pid`;
}

/** Inputs to {@link containerTaskCommand}. */
export interface ContainerTaskCommandOptions {
  /** The engine (its `bin` is argv[0]; spawn with `engine.env`). */
  engine: ContainerEngine;
  /** The container name. */
  container: string;
  /** The task ID (names the PID file). */
  taskId: string;
  /** The agent instance name, passed as HOOKS_AGENT. */
  agent: string;
  /** The type's command. */
  command: readonly string[];
  /** The type's env, passed with `-e`. */
  env: Readonly<Record<string, string>>;
  /** The working directory inside the container (`--workdir`), or null for the image's. */
  workdir?: string | null;
}

/** The full argv (`<bin> exec -i -e ... <container> sh -c '<write pid>; exec "$@"' sh <command...>`). */
export function containerTaskCommand(opts: ContainerTaskCommandOptions): string[] {
  const pidFile = taskPidFile(opts.taskId);
  const env = { ...opts.env, HOOKS_TASK_ID: opts.taskId, HOOKS_AGENT: opts.agent };
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const workdir = opts.workdir == null ? [] : ['--workdir', opts.workdir];
  return [
    opts.engine.bin,
    'exec',
    '-i',
    ...workdir,
    ...envArgs,
    opts.container,
    'sh',
    '-c',
    `echo $$ > ${pidFile}; exec "$@"`,
    'sh',
    ...opts.command,
  ];
}

/**
 * Make sure `container` runs and takes an exec before a task is exec'd into it: `started` when it
 * had to be started, unpaused, or restarted because it ran but refused exec (seen when its cgroup
 * was removed under it; the runtime then fails every exec with "error adding pid ... to cgroups").
 */
export async function ensureContainerRunning(
  engine: ContainerEngine,
  container: string,
  signal?: AbortSignal,
): Promise<'running' | 'started'> {
  try {
    const state = await runState(engine, container, signal);
    if (state === 'running' && (await canExec(engine, container, signal))) return 'running';
    if (state === 'running') await engine.call(['restart', '-t', '1', container], { signal });
    else if (state === 'paused') await engine.unpause(container, signal);
    else await engine.start(container, signal);
    if ((await runState(engine, container, signal)) !== 'running') throw new Error('it stopped again right after start');
    if (!(await canExec(engine, container, signal))) throw new Error('it runs but `exec` into it fails');
    return 'started';
  } catch (error) {
    signal?.throwIfAborted();
    if (isHooksError(error, 'hooks.containers.unavailable')) throw error;
    throw unavailable(container, (error as Error).message, error);
  }
}

// The container's state from one inspect call; throws when it does not exist.
async function runState(engine: ContainerEngine, container: string, signal?: AbortSignal): Promise<'running' | 'paused' | 'stopped'> {
  const [c] = await engine.inspect([container], signal);
  if (c === undefined) throw unavailable(container, 'no such container (run `hooksctl agents-sync`)');
  if (c.paused) return 'paused';
  return c.running ? 'running' : 'stopped';
}

// True when a trivial exec succeeds (the runtime can still add processes to the container).
async function canExec(engine: ContainerEngine, container: string, signal?: AbortSignal): Promise<boolean> {
  return (await engine.exec(container, ['sh', '-c', 'exit 0'], { signal })).exitCode === 0;
}

// The typed error the service turns into `failed`, reason `container-unavailable`.
function unavailable(container: string, why: string, cause?: unknown): HooksError {
  return new HooksError('hooks.containers.unavailable', `Container ${container} is unavailable: ${why}`, {
    exitCode: ExitCode.unavailable,
    cause,
    details: { container },
  });
}
