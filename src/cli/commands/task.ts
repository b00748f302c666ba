/** `hooksctl task ID`: one task of the running service. */
import { Command } from '../commander.js';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';
import { connectService, SERVICE_HELP } from '../connect.js';
import { printJson, printLines } from '../output.js';
import { parseTaskId, taskNotFound } from '../task-id.js';

const HELP = `
Shows one task (GET /tasks/ID): status and reason, attempt and the links between attempts, times,
payload and the tail of its output. A malformed ID is exit 2; an ID the service does not know is
exit 1 (hooks.client.not_found).
${SERVICE_HELP}

Examples:
  hooksctl task 3f0c9a7e-1b2d-4c5e-8f90-a1b2c3d4e5f6
  hooksctl task "$ID" --json | jq -r .status`;

/** Build the `task` command. */
export function makeTaskCommand(ctx: CliContext): Command {
  return withConfigOption(new Command('task'))
    .description('Show one task of the running service')
    .argument('<id>', 'the task id (a UUID)')
    .option('--json', 'print the task as JSON')
    .addHelpText('after', HELP)
    .action(async (idText: string, opts: { config?: string; json?: boolean }) => {
      const id = parseTaskId(idText);
      const client = await connectService(ctx, opts.config);
      const task = await fetchTask(client, id);
      if (opts.json) return printJson(ctx.runtime.stdout, task);
      const { formatTask } = await import('../task-format.js');
      printLines(ctx.runtime.stdout, formatTask(task, ctx.runtime.clock.now()));
    });
}

/** GET /tasks/ID, or the not-found error (exit 1). */
export async function fetchTask(client: import('../service-client.js').ServiceClient, id: string): Promise<Record<string, unknown>> {
  const { unexpected } = await import('../service-client.js');
  const answer = await client.get(`/tasks/${id}`);
  if (answer.status === 404) throw taskNotFound(id);
  if (answer.status !== 200 || answer.json === undefined) throw unexpected(answer, `GET /tasks/${id}`);
  return answer.json;
}
