/** What install-unit says when a systemctl step fails after the units were written. */
import { ExitCode, HooksError } from '../../errors.js';
import type { FailedStep } from '../../systemd/unit/activate.js';

/** The error for a failed systemctl step: exit 69 (the manager is unavailable or refused); it names the written units. */
export function stepFailure(failed: FailedStep, path: string, socketPath: string | null, scope: 'user' | 'system'): HooksError {
  const wrote = socketPath === null ? path : `${path} and ${socketPath}`;
  return new HooksError(
    'hooks.unit.systemctl_failed',
    `wrote ${wrote}, but ${systemctlPrefix(scope)} ${failed.step} failed (exit ${failed.exitCode}): ${failed.stderr}`,
    {
      exitCode: ExitCode.unavailable,
      details: {
        step: failed.step,
        systemctlExit: failed.exitCode,
        stderr: failed.stderr,
        file: path,
        ...(socketPath === null ? {} : { socket: socketPath }),
      },
    },
  );
}

/** `systemctl` or `systemctl --user`, as the operator would type it. */
export function systemctlPrefix(scope: 'user' | 'system'): string {
  return scope === 'user' ? 'systemctl --user' : 'systemctl';
}
