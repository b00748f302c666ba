/** The `--config FILE` option and its loader, shared by every verb that reads agents.json. */
import type { Command } from 'commander';
import type { LoadedConfig } from '../config/load.js';
import type { CliContext } from './context.js';

/** The option's two spellings. */
export const CONFIG_FLAGS = { short: '-c', long: '--config' } as const;

/** Add `--config FILE` to a command. */
export function withConfigOption(command: Command): Command {
  return command.option(
    `${CONFIG_FLAGS.short}, ${CONFIG_FLAGS.long} <file>`,
    'config file (default: $HOOKS_CONFIG, else ./config/agents.json, else built-in defaults)',
  );
}

/** Load the config named by `--config` (lazily importing the loader). */
export async function loadCliConfig(ctx: CliContext, flag: string | undefined): Promise<LoadedConfig> {
  const { loadConfig } = await import('../config/load.js');
  return loadConfig({ flag, env: ctx.runtime.env, cwd: ctx.runtime.cwd, execPath: ctx.execPath });
}
