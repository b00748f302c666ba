/** Task ids on the command line: checked before any call, so a typo is a usage error, not a 404. */
import { ExitCode, HooksError } from '../errors.js';

const TASK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id, lower-cased, or a `hooks.client.bad_id` usage error (exit 2) naming what was given. */
export function parseTaskId(text: string): string {
  if (!TASK_ID.test(text)) {
    throw new HooksError(
      'hooks.client.bad_id',
      `Expected a task id (a UUID such as 3f0c9a7e-1b2d-4c5e-8f90-a1b2c3d4e5f6), got ${JSON.stringify(text)}`,
      {
        exitCode: ExitCode.usage,
        details: { id: text },
      },
    );
  }
  return text.toLowerCase();
}

/** The error for an id the service does not know: exit 1 (the lookup failed; the service is fine). */
export function taskNotFound(id: string): HooksError {
  return new HooksError('hooks.client.not_found', `No task ${id} on this service`, { exitCode: ExitCode.checkFailed, details: { id } });
}
