/** `hooksctl agents-sync`: Reconcile the agent containers with the config (ExecStartPre). */
import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';
import { notBuilt } from '../not-built.js';

/** Build the `agents-sync` command. */
export function makeAgentsSyncCommand(_ctx: CliContext): Command {
  return withConfigOption(new Command('agents-sync'))
    .description('Reconcile the agent containers with the config (ExecStartPre)')
    .option('--json', 'print machine-readable JSON')
    .action(() => notBuilt('agents-sync'));
}
