/** `hooksctl status`: the running service's state, the drain countdown, agents and queue depth. */
import { Command } from '../commander.js';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';
import { connectService, SERVICE_HELP } from '../connect.js';
import { printJson, printLines } from '../output.js';

const HELP = `
Asks the running service (GET /overview) for its state (running, draining, ...), the load, each
agent instance (idle or busy, and with what), and while it drains the seconds left of the drain
budget and how each busy task settled. Exit 0 whenever the service answered, draining included
(read "state" to decide); 69 when it is not running.
${SERVICE_HELP}

Examples:
  hooksctl status
  hooksctl status --json | jq .health.state`;

/** Build the `status` command. */
export function makeStatusCommand(ctx: CliContext): Command {
  return withConfigOption(new Command('status'))
    .description('Show the running service: state, drain countdown, agents, queue depth')
    .option('--json', 'print {"health", "agents", "drain"}')
    .addHelpText('after', HELP)
    .action(async (opts: { config?: string; json?: boolean }) => {
      const client = await connectService(ctx, opts.config);
      const { unexpected } = await import('../service-client.js');
      let answer = await client.get('/overview');
      // An older service has no /overview: its /healthz still gives state and load.
      if (answer.status === 404) answer = await client.get('/healthz');
      const body = answer.json;
      if (body === undefined || (answer.status !== 200 && answer.status !== 503)) throw unexpected(answer, 'GET /overview');
      if (opts.json) return printJson(ctx.runtime.stdout, body);
      const { formatStatus } = await import('../task-format.js');
      printLines(ctx.runtime.stdout, [`service  ${client.base}`, ...formatStatus(body, ctx.runtime.clock.now())]);
    });
}
