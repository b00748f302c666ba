/** `hooksctl containers-down`: Stop every managed agent container (ExecStopPost). */
import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';
import { notBuilt } from '../not-built.js';

/** Build the `containers-down` command. */
export function makeContainersDownCommand(_ctx: CliContext): Command {
  return withConfigOption(new Command('containers-down'))
    .description('Stop every managed agent container (ExecStopPost)')
    .option('--json', 'print machine-readable JSON')
    .action(() => notBuilt('containers-down'));
}
