/**
 * What `install-unit` asks of the manager after writing a unit: daemon-reload, then enable and/or
 * start, with the meaning of `systemctl enable --now` (systemctl(1)):
 * `--enable --now` enables and starts, `--enable` only enables, `--now` alone starts the unit or
 * restarts it when it is active. A failed step stops the rest and is a result, not an exception,
 * so the caller can still say where the unit was written.
 */
import { showUnit, systemctl, type CommandResult, type ManagerOptions } from '../systemctl.js';

/** The flags that decide the steps. */
export interface ActivationRequest {
  /** Run daemon-reload (false for --no-reload). */
  reload: boolean;
  /** --enable. */
  enable: boolean;
  /** --now. */
  now: boolean;
}

/** One systemctl call. */
export interface ActivationStep {
  /** A short name for reports: `daemon-reload`, `enable --now`, `enable`, `restart`. */
  name: string;
  /** The systemctl arguments (without --user). */
  args: string[];
}

/** The socket side of the steps (socket activation). */
export interface SocketSteps {
  /** The socket unit beside the service (`x.socket`). */
  socket?: string;
  /** A socket unit left from socket activation, now turned off: stopped and disabled first. */
  staleSocket?: string;
  /** Stop the service before starting the socket: it holds the port itself (it ran without one). */
  handOver?: boolean;
}

/**
 * The steps for `file` (a unit file name such as `x.service`), in order. With a socket, enable
 * and enable --now take both units, and --now alone starts the socket, then restarts the
 * service: restarting the socket would close the listener the restart must keep. A stale socket
 * is stopped and disabled first, so it no longer holds the port the service binds; a hand-over
 * stops the running service first, so the socket can bind the port the service held.
 */
export function activationSteps(file: string, request: ActivationRequest, pair: SocketSteps = {}): ActivationStep[] {
  const steps: ActivationStep[] = [];
  const { socket, staleSocket } = pair;
  if (staleSocket !== undefined) steps.push({ name: `disable --now ${staleSocket}`, args: ['disable', '--now', staleSocket] });
  if (request.reload) steps.push({ name: 'daemon-reload', args: ['daemon-reload'] });
  if (pair.handOver === true && request.now) steps.push({ name: `stop ${file}`, args: ['stop', file] });
  const units = socket === undefined ? [file] : [socket, file];
  if (request.enable)
    steps.push(
      request.now ? { name: 'enable --now', args: ['enable', '--now', ...units] } : { name: 'enable', args: ['enable', ...units] },
    );
  else if (request.now) {
    if (socket !== undefined) steps.push({ name: `start ${socket}`, args: ['start', socket] });
    steps.push({ name: 'restart', args: ['restart', file] });
  }
  return steps;
}

/** The step that failed. */
export interface FailedStep {
  /** Its name (see {@link ActivationStep.name}). */
  step: string;
  /** Its systemctl arguments. */
  args: string[];
  /** systemctl's exit code (127: systemctl is missing). */
  exitCode: number;
  /** systemctl's stderr, trimmed. */
  stderr: string;
}

/** What {@link runActivation} did. */
export interface ActivationOutcome {
  /** Names of the steps that ran and succeeded, in order. */
  ran: string[];
  /** The first step that failed, or null. */
  failed: FailedStep | null;
  /** Steps not run because an earlier one failed. */
  notRun: ActivationStep[];
}

/** Run `steps` in order, stopping at the first failure. `run` is injectable for tests. */
export async function runActivation(
  steps: readonly ActivationStep[],
  manager: ManagerOptions,
  run: (args: readonly string[], o: ManagerOptions) => Promise<CommandResult> = systemctl,
): Promise<ActivationOutcome> {
  const ran: string[] = [];
  for (const [i, step] of steps.entries()) {
    const r = await run(step.args, manager);
    if (r.exitCode !== 0)
      return {
        ran,
        failed: { step: step.name, args: step.args, exitCode: r.exitCode, stderr: r.stderr.trim() },
        notRun: steps.slice(i + 1),
      };
    ran.push(step.name);
  }
  return { ran, failed: null, notRun: [] };
}

/**
 * Whether the manager needs a daemon-reload for a unit whose file did not change: unless it has
 * the unit loaded from `path` and does not flag NeedDaemonReload, it does (an earlier install may
 * have used --no-reload, or another file may shadow it). An unreachable manager answers nothing,
 * so the reload is attempted and its failure reported.
 */
export async function reloadNeededForUnchanged(file: string, path: string, manager: ManagerOptions): Promise<boolean> {
  const props = await showUnit(file, ['LoadState', 'NeedDaemonReload', 'FragmentPath'], manager);
  return !(props['LoadState'] === 'loaded' && props['NeedDaemonReload'] === 'no' && props['FragmentPath'] === path);
}
