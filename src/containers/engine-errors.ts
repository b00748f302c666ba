/**
 * Classifying a failed engine call: "the engine is down or missing" (exit 69, naming the socket
 * it tried) versus "this one command failed". The only free text read from the engine is stderr
 * of a failed call, to tell those two apart.
 */
import { ExitCode, HooksError } from '../errors.js';

/** What a failed call looked like. */
export interface FailedCall {
  /** The engine binary. */
  bin: string;
  /** The arguments after the binary. */
  args: readonly string[];
  /** The exit code, when the binary ran. */
  exitCode: number | undefined;
  /** Its stderr (trimmed). */
  stderr: string;
  /** The spawn error code (`ENOENT`, ...) when the binary did not run. */
  spawnCode: string | undefined;
  /** True when the call hit its timeout. */
  timedOut: boolean;
}

const UNREACHABLE =
  /cannot connect to the (docker|podman) daemon|is the docker daemon running|unable to connect to podman|error during connect|connect: (connection refused|no such file or directory)|permission denied while trying to connect/i;

/** True when the failure means the engine itself is unreachable (binary missing, socket dead). */
export function isEngineUnavailable(call: FailedCall): boolean {
  return call.spawnCode !== undefined || UNREACHABLE.test(call.stderr);
}

/** The typed error for an unreachable engine: code `hooks.containers.engine_unavailable`, exit 69. */
export function engineUnavailableError(call: FailedCall, host: string): HooksError {
  const why =
    call.spawnCode === 'ENOENT'
      ? `the engine binary "${call.bin}" was not found (set HOOKS_CONTAINER_ENGINE to docker or podman)`
      : call.spawnCode !== undefined
        ? `the engine binary "${call.bin}" could not run (${call.spawnCode})`
        : `no engine answered (${firstLine(call.stderr)})`;
  return new HooksError('hooks.containers.engine_unavailable', `Container engine unavailable at ${host}: ${why}`, {
    exitCode: ExitCode.unavailable,
    details: { bin: call.bin, host, spawnCode: call.spawnCode ?? null, stderr: call.stderr },
  });
}

/** The typed error for one failed engine command: code `hooks.containers.engine_failed`, exit 69. */
export function engineFailedError(call: FailedCall): HooksError {
  const what = call.timedOut ? 'timed out' : `exited ${call.exitCode ?? '?'}`;
  return new HooksError(
    'hooks.containers.engine_failed',
    `${call.bin} ${call.args[0] ?? ''} ${what}: ${firstLine(call.stderr) || '(no output)'}`,
    {
      exitCode: ExitCode.unavailable,
      details: { bin: call.bin, args: [...call.args], exitCode: call.exitCode ?? null, stderr: call.stderr, timedOut: call.timedOut },
    },
  );
}

/** Where the engine client will connect: DOCKER_HOST (or CONTAINER_HOST for podman), else the default socket. */
export function describeEngineHost(env: Readonly<Record<string, string | undefined>>, bin: string): string {
  const docker = env['DOCKER_HOST'];
  if (docker) return docker;
  const podman = env['CONTAINER_HOST'];
  if (podman && /podman/.test(bin)) return podman;
  return 'unix:///var/run/docker.sock (default)';
}

// The first non-empty line of a text, for one-line messages.
function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}
