/** `hooksctl containers-down`: Stop every managed agent container (ExecStopPost). */
import { Command, InvalidArgumentError } from '../commander.js';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';

const HELP = `
Stops every container agents-sync manages, pool members included, and keeps them: the next
agents-sync starts them again ("started"). Used as ExecStopPost when unit.containers_down_on_stop
is set; by default containers outlive service restarts.
One line per container: "<instance> <container> <action>", action stopped, already-stopped or absent;
another host's instance (pool[].host) is left alone: "other-host <host>".
Exit: 0 done, 1 some container failed to stop, 69 engine down or missing.

Examples:
  hooksctl containers-down --config /etc/hooks/agents.json --timeout 5
  hooksctl containers-down --json`;

// Parse --timeout: whole seconds, zero or more.
function parseTimeout(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('Expected `--timeout` to be a whole number of seconds (0 or more).');
  return Number(value);
}

/** Build the `containers-down` command. */
export function makeContainersDownCommand(ctx: CliContext): Command {
  return withConfigOption(new Command('containers-down'))
    .description('Stop every managed agent container (ExecStopPost)')
    .option('--timeout <sec>', 'seconds each container gets between SIGTERM and SIGKILL', parseTimeout, 10)
    .option('--json', 'print machine-readable JSON: [{ instance, container, action, error? }]')
    .addHelpText('after', HELP)
    .action(async (opts: { config?: string; timeout: number; json?: boolean }) => {
      const [{ loadFleet, printFleet }, { containersDown }] = await Promise.all([
        import('../fleet.js'),
        import('../../containers/down.js'),
      ]);
      const fleet = await loadFleet(ctx, opts.config);
      const results = await containersDown({ ...fleet, timeoutSec: opts.timeout });
      await printFleet(ctx, results, opts.json);
    });
}
