/** `hooksctl validate-unit`: Check a unit file: syntax, drain budget, kill mode, notify access. */
import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';
import { notBuilt } from '../not-built.js';

/** Build the `validate-unit` command. */
export function makeValidateUnitCommand(_ctx: CliContext): Command {
  return withConfigOption(new Command('validate-unit'))
    .description('Check a unit file: syntax, drain budget, kill mode, notify access')
    .option('--json', 'print machine-readable JSON')
    .action(() => notBuilt('validate-unit'));
}
