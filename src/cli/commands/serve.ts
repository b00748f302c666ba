/** `hooksctl serve`: run the dispatcher service (HTTP API, task queues, graceful drain under systemd). */
import { Command } from '../commander.js';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';
import { runServe } from './serve-action.js';

const HELP = `
Runs until SIGTERM/SIGINT, then drains: new work is stored for the next instance
(shutdown.intake "queue", the default; "refuse" answers 503), in-flight tasks get
shutdown.drain_ms to finish, the rest are aborted (SIGTERM, abort_grace_ms, SIGKILL)
and marked cancelled/shutdown (re-queued at the next start when shutdown.requeue).
Under systemd (Type=notify) it sends READY=1, STATUS=, STOPPING=1 and, in extend mode,
EXTEND_TIMEOUT_USEC=. Phase lines go to the journal: journalctl SHUTDOWN_PHASE=drain.

Try it:
  hooksctl serve &
  curl -s -XPOST localhost:8787/task -H 'content-type: application/json' \\
       -d '{"agent":"dev-default","payload":{"hello":"world"}}'
  curl -s localhost:8787/tasks/<id>`;

/** Build the `serve` command. */
export function makeServeCommand(ctx: CliContext): Command {
  return withConfigOption(new Command('serve'))
    .description('Run the dispatcher service (HTTP API, task queues, graceful drain under systemd)')
    .addHelpText('after', HELP)
    .action((opts: { config?: string }) => runServe(ctx, opts.config));
}
