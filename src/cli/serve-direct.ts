/**
 * The direct start of `serve` for the command lines its unit runs (`serve`, `serve --config FILE`,
 * `serve -c FILE`, `serve --config=FILE`): the service starts without building the whole CLI
 * (commander and every verb's definition, ~10 ms of each start and restart). Any other argv
 * (`--help`, another option, a value that looks like an option) goes through the full CLI, which
 * parses and reports it as for every verb. Errors are reported as the full CLI reports them.
 */
import { CONFIG_FLAGS } from './config-option.js';
import { withExitCode, type CliContext } from './context.js';
import { reportError } from './error-report.js';
import { runServe } from './commands/serve-action.js';

/** `{ config }` when `argv` (user args) is one of serve's plain command lines, else null (the full CLI takes it). */
export function directServeArgs(argv: readonly string[]): { config: string | undefined } | null {
  if (argv[0] !== 'serve') return null;
  if (argv.length === 1) return { config: undefined };
  const [, flag, value] = argv;
  if (argv.length === 3 && (flag === CONFIG_FLAGS.long || flag === CONFIG_FLAGS.short) && value !== undefined && isPlainValue(value))
    return { config: value };
  const inline = `${CONFIG_FLAGS.long}=`;
  if (argv.length === 2 && flag?.startsWith(inline) === true && isPlainValue(flag.slice(inline.length)))
    return { config: flag.slice(inline.length) };
  return null;
}

// A value commander would read the same way: not empty, not option-like.
function isPlainValue(value: string): boolean {
  return value !== '' && !value.startsWith('-');
}

/** Run serve with `config` (see {@link directServeArgs}); resolves to the exit code, as main() does. */
export async function serveDirect(config: string | undefined, ctx: Omit<CliContext, 'setExitCode'>): Promise<number> {
  const { ctx: full, code } = withExitCode(ctx);
  try {
    await runServe(full, config);
    return code();
  } catch (error) {
    return reportError(error, ctx.runtime, false);
  }
}
