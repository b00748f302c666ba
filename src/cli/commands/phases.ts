/** `hooksctl phases`: shutdown timelines read back from the journal. */
import { Command, Option } from '../commander.js';
import type { CliContext } from '../context.js';
import { loadCliConfig, withConfigOption } from '../config-option.js';
import { printJson, printLines } from '../output.js';
import { SHUTDOWN_PHASES } from '../../vocabulary.js';

const HELP = `
Reads entries hooksctl wrote itself (SYSLOG_IDENTIFIER=hooksctl, HOOKS_SERVICE=<name>,
SHUTDOWN_PHASE=…), grouped by INVOCATION_ID, so it works for user units whose entries land in
the system journal too. TimeoutStopSec comes from 'systemctl show'.

Exit: 0 the journal was read (also when it holds no shutdowns: "no shutdowns of NAME"), 2 bad usage
(e.g. a bad --since), 69 no journal is reachable (journalctl missing, no journal files, or files this
user may not read: --json prints {"error": {"code": "hooks.journal.…"}} on stderr), 78 bad config.

Examples:
  hooksctl phases --since today
  hooksctl phases --unit claude-hooks --json | jq '.[-1].drainMs'`;

/** Build the `phases` command. */
export function makePhasesCommand(ctx: CliContext): Command {
  return withConfigOption(new Command('phases'))
    .description('Show shutdown timelines read back from the journal')
    .option('-u, --unit <name>', 'service name (default: service.name from the config)')
    .addOption(new Option('--user', 'the unit is a user unit (default)').conflicts('system'))
    .addOption(new Option('--system', 'the unit is a system unit'))
    .option('-S, --since <time>', 'only entries since TIME (journalctl --since syntax)')
    .option('--json', 'print an array of timeline records')
    .addHelpText('after', HELP)
    .action(async (opts: { config?: string; unit?: string; user?: boolean; system?: boolean; since?: string; json?: boolean }) => {
      const name = (opts.unit ?? (await loadCliConfig(ctx, opts.config)).config.service.name).replace(/\.service$/, '');
      const [{ readJournal, showTimeoutStopMs }, { buildTimelines, formatTimeline }] = await Promise.all([
        import('../../systemd/journal/read.js'),
        import('../../shutdown/phases.js'),
      ]);
      const entries = await readJournal({
        env: ctx.runtime.env,
        matches: [`SYSLOG_IDENTIFIER=hooksctl`, `HOOKS_SERVICE=${name}`, ...SHUTDOWN_PHASES.map((p) => `SHUTDOWN_PHASE=${p}`)],
        since: opts.since,
      });
      const timeoutStopMs = await showTimeoutStopMs({
        env: ctx.runtime.env,
        unit: `${name}.service`,
        scope: opts.system ? 'system' : 'user',
      });
      const timelines = buildTimelines(entries).map((t) => ({ ...t, timeoutStopMs }));
      if (opts.json) return printJson(ctx.runtime.stdout, timelines);
      if (timelines.length === 0)
        return printLines(ctx.runtime.stdout, [`no shutdowns of ${name} in the journal${opts.since ? ` since ${opts.since}` : ''}`]);
      printLines(
        ctx.runtime.stdout,
        timelines.flatMap((t) => [...formatTimeline(t, `${name}.service`), '']),
      );
    });
}
