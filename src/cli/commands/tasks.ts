/** `hooksctl tasks`: list the service's tasks, newest first, a page at a time. */
import { Command, Option } from '../commander.js';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';
import { connectService, SERVICE_HELP } from '../connect.js';
import { printJson, printLines } from '../output.js';
import { ExitCode, HooksError } from '../../errors.js';
import { TASK_STATUSES } from '../../vocabulary.js';

const HELP = `
Lists tasks newest first (GET /tasks). --status may repeat; --agent keeps one agent instance's
tasks (also an instance no longer configured: its history stays). --json prints
{"tasks": [...], "next_before": CURSOR|null}; pass the cursor back as --before, with the same
--status and --agent, for the next page.
${SERVICE_HELP}

Examples:
  hooksctl tasks
  hooksctl tasks --status running --status queued
  hooksctl tasks --agent dev-2 --limit 20 --json | jq -r '.tasks[].id'
  hooksctl tasks --before "$(hooksctl tasks --json | jq -r .next_before)"`;

/** Options of `tasks`. */
interface TasksOptions {
  config?: string;
  status: string[];
  agent?: string;
  limit: string;
  before?: string;
  json?: boolean;
}

/** Build the `tasks` command. */
export function makeTasksCommand(ctx: CliContext): Command {
  return withConfigOption(new Command('tasks'))
    .description('List tasks of the running service, newest first')
    .addOption(new Option('-s, --status <status...>', 'only tasks in these statuses (repeatable)').choices(TASK_STATUSES).default([]))
    .option('-a, --agent <instance>', 'only tasks of this agent instance')
    .option('-n, --limit <n>', 'at most this many tasks (1..1000)', '50')
    .option('--before <cursor>', 'start after this cursor (next_before of a previous page)')
    .option('--json', 'print {"tasks": [...], "next_before": ...}')
    .addHelpText('after', HELP)
    .action(async (opts: TasksOptions) => {
      const limit = parseLimit(opts.limit);
      const client = await connectService(ctx, opts.config);
      const { listTasks } = await import('./tasks-list.js');
      const page = await listTasks(client, { statuses: opts.status, agent: opts.agent, limit, before: opts.before });
      if (opts.json) return printJson(ctx.runtime.stdout, page);
      const { formatTaskTable } = await import('../task-format.js');
      if (page.tasks.length === 0) return printLines(ctx.runtime.stdout, ['no tasks']);
      printLines(ctx.runtime.stdout, [
        ...formatTaskTable(page.tasks, ctx.runtime.clock.now()),
        ...(page.next_before ? [`(older: --before ${page.next_before})`] : []),
      ]);
    });
}

// --limit as an integer in 1..1000, else a usage error naming the option.
function parseLimit(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 1000)
    throw new HooksError('hooks.client.bad_option', `Expected \`--limit\` to be an integer from 1 to 1000, got ${JSON.stringify(text)}`, {
      exitCode: ExitCode.usage,
    });
  return n;
}
