/** `hooksctl install-unit`: Generate, validate and install the systemd unit for the service. */
import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';
import { notBuilt } from '../not-built.js';

/** Build the `install-unit` command. */
export function makeInstallUnitCommand(_ctx: CliContext): Command {
  return withConfigOption(new Command('install-unit'))
    .description('Generate, validate and install the systemd unit for the service')
    .option('--json', 'print machine-readable JSON')
    .action(() => notBuilt('install-unit'));
}
