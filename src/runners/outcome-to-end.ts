/** Map a supervisor outcome to how the task row ends (status, reason, exit code, output). */
import type { Outcome } from '../supervisor/index.js';
import type { TaskEnd } from '../tasks/store.js';

const OUTPUT_CHARS = 8192;

/** The task end for `outcome`; an aborted run is `cancelled` with the abort reason. */
export function outcomeToEnd(outcome: Outcome, abortReason: string | null): TaskEnd {
  const output = joinOutput(outcome.stdoutTail, outcome.stderrTail);
  if (abortReason !== null) return { status: 'cancelled', reason: abortReason, exitCode: outcome.exitCode, output };
  switch (outcome.type) {
    case 'exited':
      return outcome.code === 0
        ? { status: 'succeeded', reason: null, exitCode: 0, output }
        : { status: 'failed', reason: 'exit-code', exitCode: outcome.code, output };
    case 'signaled':
      return { status: 'failed', reason: `signal:${outcome.signal}`, exitCode: null, output };
    case 'timeout':
    case 'no-output-timeout':
      return { status: 'failed', reason: outcome.type, exitCode: outcome.exitCode, output };
    case 'cancelled':
      return { status: 'cancelled', reason: outcome.reason, exitCode: outcome.exitCode, output };
    case 'spawn-failed':
      return { status: 'failed', reason: 'spawn-failed', exitCode: null, output: outcome.error };
  }
}

// Keep stdout, plus stderr when there is any, bounded.
function joinOutput(stdout: string, stderr: string): string | null {
  const text = stderr.trim() === '' ? stdout : `${stdout}${stdout.endsWith('\n') || stdout === '' ? '' : '\n'}--- stderr ---\n${stderr}`;
  if (text === '') return null;
  return text.length > OUTPUT_CHARS ? text.slice(-OUTPUT_CHARS) : text;
}
