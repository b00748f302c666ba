/** `hooksctl phases`: Show shutdown timelines read back from the journal. */
import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';
import { notBuilt } from '../not-built.js';

/** Build the `phases` command. */
export function makePhasesCommand(_ctx: CliContext): Command {
  return withConfigOption(new Command('phases'))
    .description('Show shutdown timelines read back from the journal')
    .option('--json', 'print machine-readable JSON')
    .action(() => notBuilt('phases'));
}
