/** `hooksctl config`: load, validate and print the effective config (exit 78 when it is invalid). */
import { Command } from '../commander.js';
import type { CliContext } from '../context.js';
import { loadCliConfig, withConfigOption } from '../config-option.js';
import { printJson } from '../output.js';

/** Build the `config` command. */
export function makeConfigCommand(ctx: CliContext): Command {
  return withConfigOption(new Command('config'))
    .description('Validate the config and print it with defaults applied (exit 78 names the bad JSON path)')
    .option('--json', 'print machine-readable JSON (the default output is JSON too, with a header)')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const loaded = await loadCliConfig(ctx, opts.config);
      if (opts.json) {
        printJson(ctx.runtime.stdout, { path: loaded.path, source: loaded.source, config: loaded.config });
        return;
      }
      ctx.runtime.stdout.write(`# config: ${loaded.path ?? 'built-in defaults'} (${loaded.source}) — valid\n`);
      printJson(ctx.runtime.stdout, loaded.config);
    });
}
