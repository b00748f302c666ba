/** `hooksctl cancel ID`: cancel a queued or running task of the running service. */
import { Command } from '../commander.js';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';
import { connectService, SERVICE_HELP } from '../connect.js';
import { printJson, printLines } from '../output.js';
import { parseTaskId, taskNotFound } from '../task-id.js';
import { ExitCode, HooksError } from '../../errors.js';

const HELP = `
Cancels a task (POST /cancel/ID): a queued one ends cancelled at once; a running one is aborted
(SIGTERM, then SIGKILL after the abort grace) and ends cancelled/user. On a shared PostgreSQL store,
a task running on another host is marked in the store and that host stops it (cancel_requested,
with the host); any host answers. A task that already ended
is exit 1 (hooks.client.conflict), an unknown one exit 1 (hooks.client.not_found), a malformed ID exit 2.
${SERVICE_HELP}

Examples:
  hooksctl cancel 3f0c9a7e-1b2d-4c5e-8f90-a1b2c3d4e5f6
  hooksctl tasks --status queued --json | jq -r '.tasks[].id' | xargs -n1 hooksctl cancel`;

/** Build the `cancel` command. */
export function makeCancelCommand(ctx: CliContext): Command {
  return withConfigOption(new Command('cancel'))
    .description('Cancel a queued or running task')
    .argument('<id>', 'the task id (a UUID)')
    .option('--json', 'print {"id", "status", "host"} (status: cancelled, cancelling or cancel_requested)')
    .addHelpText('after', HELP)
    .action(async (idText: string, opts: { config?: string; json?: boolean }) => {
      const id = parseTaskId(idText);
      const client = await connectService(ctx, opts.config);
      const { unexpected } = await import('../service-client.js');
      const answer = await client.post(`/cancel/${id}`);
      if (answer.status === 404) throw taskNotFound(id);
      if (answer.status === 409)
        throw new HooksError('hooks.client.conflict', `Task ${id} already ended (${String(answer.json?.['status'] ?? 'ended')})`, {
          exitCode: ExitCode.checkFailed,
          details: { id, status: answer.json?.['status'] ?? null },
        });
      if (answer.status !== 202 || answer.json === undefined) throw unexpected(answer, `POST /cancel/${id}`);
      if (opts.json) return printJson(ctx.runtime.stdout, answer.json);
      const { formatCancel } = await import('../task-format.js');
      printLines(ctx.runtime.stdout, [formatCancel(id, answer.json)]);
    });
}
