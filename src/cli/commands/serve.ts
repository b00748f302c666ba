/** `hooksctl serve`: Run the dispatcher service (HTTP API, task queues, graceful drain under systemd). */
import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';
import { notBuilt } from '../not-built.js';

/** Build the `serve` command. */
export function makeServeCommand(_ctx: CliContext): Command {
  return withConfigOption(new Command('serve'))
    .description('Run the dispatcher service (HTTP API, task queues, graceful drain under systemd)')
    .option('--json', 'print machine-readable JSON')
    .action(() => notBuilt('serve'));
}
