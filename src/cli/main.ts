/**
 * The CLI: parse argv with commander, run one verb, map errors to exit codes.
 * Heavy modules are imported lazily inside actions so `--help` starts fast.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from './commander.js';
import { ExitCode } from '../errors.js';
import { report, reportError, type JsonError } from './error-report.js';
import { withExitCode, type CliContext } from './context.js';
import { packageFile } from '../package-root.js';
import { makeAgentsSyncCommand } from './commands/agents-sync.js';
import { makeCancelCommand } from './commands/cancel.js';
import { makeConfigCommand } from './commands/config.js';
import { makeContainersDownCommand } from './commands/containers-down.js';
import { makeInstallUnitCommand } from './commands/install-unit.js';
import { makeLogsCommand } from './commands/logs.js';
import { makePhasesCommand } from './commands/phases.js';
import { makeServeCommand } from './commands/serve.js';
import { makeStatusCommand } from './commands/status.js';
import { makeTaskCommand } from './commands/task.js';
import { makeTasksCommand } from './commands/tasks.js';
import { makeValidateUnitCommand } from './commands/validate-unit.js';

const EXIT_HELP = `
Exit codes: 0 ok, 1 check failed, 2 bad usage, 69 service unavailable, 70 internal error, 78 config error.
Config: --config FILE, else $HOOKS_CONFIG, else ./config/agents.json, else built-in defaults.`;

/** The package version, read from package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Build the commander program with every verb registered; with `json`, commander's own error line is left to {@link main}. */
export function buildProgram(ctx: CliContext, json = false): Command {
  const program = new Command('hooksctl')
    .description(
      'systemd-native toolkit and task dispatcher: unit files, sd_notify drain, journald phases, supervised workers, container fleet',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', EXIT_HELP)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.runtime.stdout.write(s),
      writeErr: (s) => ctx.runtime.stderr.write(s),
      outputError: (s, write) => {
        if (!json) write(`hooksctl: ${s.replace(/^error: /, '')}`);
      },
    });
  const makers = [
    makeServeCommand,
    makeInstallUnitCommand,
    makeValidateUnitCommand,
    makeAgentsSyncCommand,
    makeContainersDownCommand,
    makePhasesCommand,
    makeConfigCommand,
    makeStatusCommand,
    makeTasksCommand,
    makeTaskCommand,
    makeCancelCommand,
    makeLogsCommand,
  ];
  for (const make of makers)
    program.addCommand(make(ctx).exitOverride().configureOutput(program.configureOutput()).showSuggestionAfterError(true));
  return program;
}

/** Run the CLI with `argv` (user args only, without node and script). Resolves to the exit code. */
export async function main(argv: readonly string[], ctx: Omit<CliContext, 'setExitCode'>): Promise<number> {
  const { ctx: full, code } = withExitCode(ctx);
  const json = argv.includes('--json');
  const program = buildProgram(full, json);
  if (argv.length === 0) {
    ctx.runtime.stderr.write(program.helpInformation());
    return ExitCode.usage;
  }
  try {
    await program.parseAsync(withoutHelpForUnknownVerb(program, argv), { from: 'user' });
    return code();
  } catch (error) {
    return handleError(error, full, json);
  }
}

const ROOT_FLAGS = new Set(['-h', '--help', '-V', '--version']);

/**
 * `hooksctl jobs --help` (or `hooksctl help jobs`) names a verb that does not exist: commander
 * would print the root help (or version) and exit 0. Drop the help and version flags so commander reports the unknown
 * verb (exit 2), as it does for a bare `hooksctl jobs`.
 */
export function withoutHelpForUnknownVerb(program: Command, argv: readonly string[]): string[] {
  const verb = argv[0] === 'help' ? argv[1] : argv[0];
  if (verb === undefined || verb.startsWith('-') || verb === 'help') return [...argv];
  if (program.commands.some((c) => c.name() === verb || c.aliases().includes(verb))) return [...argv];
  return [verb, ...argv.slice(argv[0] === 'help' ? 2 : 1).filter((a) => !ROOT_FLAGS.has(a))];
}

// Map any thrown value to an exit code, printing one clear line (or JSON).
function handleError(error: unknown, ctx: CliContext, json: boolean): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    if (error.code === 'commander.help') return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    // A script that asked for --json reads the usage error as JSON too, as every other error.
    report(ctx.runtime, json, `Run 'hooksctl --help' for usage.\n`, usageError(error));
    return ExitCode.usage;
  }
  return reportError(error, ctx.runtime, json);
}

// A commander error as the `--json` error object: code `hooks.cli.usage`, commander's own code in the details.
function usageError(error: CommanderError): JsonError {
  return { code: 'hooks.cli.usage', message: error.message.replace(/^error: /, ''), details: { commander: error.code } };
}
