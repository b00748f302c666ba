/** `hooksctl install-unit`: Generate, validate and install the systemd unit for the service. */
import { Command, Option } from '../commander.js';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';

/** Options of `install-unit`. */
export interface InstallUnitFlags {
  /** --config FILE (also passed to `serve --config` in the unit). */
  config?: string;
  /** --user (default). */
  user?: boolean;
  /** --system. */
  system?: boolean;
  /** --name NAME (default: service.name). */
  name?: string;
  /** --unit-dir DIR. */
  unitDir?: string;
  /** --dry-run: print the unit, write nothing. */
  dryRun?: boolean;
  /** --enable. */
  enable?: boolean;
  /** --now. */
  now?: boolean;
  /** --no-reload sets this false. */
  reload: boolean;
  /** --no-catalog sets this false. */
  catalog: boolean;
  /** --no-analyze sets this false: skip systemd-analyze verify/security (the rules still run). */
  analyze: boolean;
  /** --json. */
  json?: boolean;
}

const HELP = `
Steps: load the config, generate a Type=notify unit (ExecStart=<node> <hooksctl> serve --config <path>),
validate it with the validate-unit rules and systemd-analyze (a unit with errors is NOT installed: exit 1;
--no-analyze skips systemd-analyze, e.g. where it is missing or slow),
with unit.socket_activation (the default) also <name>.socket (ListenStream= service.host:port, and
unit.listen_unix when set), which the service Requires=: systemd holds the port across restarts;
write <unit-dir>/<name>.service atomically (temp file + rename; a replaced unit prints a short diff),
then systemctl [--user] daemon-reload (skipped when the unit is unchanged and the manager has it loaded).
--enable and --now mean what they mean to "systemctl enable --now": --enable --now enables and starts the unit
(an active unit keeps running), --enable alone only enables it, --now alone starts it, or restarts it if it
is active (use this to apply a changed unit to a running service). With socket activation they act on both
units: --enable enables <name>.socket too, --now starts the socket and restarts the service (not the socket,
whose listener must outlive the restart); a service still running without its socket is stopped first
(it drains), so the socket can bind the port. With unit.socket_activation false, a <name>.socket left by an
earlier install is stopped, disabled and removed (one not written by hooksctl is left, with a warning).
If systemctl fails (e.g. the manager is unreachable), the unit stays written: the output names it, what failed
and the commands left to run, and the exit code is 69 (--json: "ok": false and an "error" object).
Without --config (and no $HOOKS_CONFIG or ./config/agents.json), WorkingDirectory= is the current directory
so ./data/hooks.db resolves as it does for a hand-run "hooksctl serve".
Unit dir: --user: $XDG_CONFIG_HOME/systemd/user (else ~/.config/systemd/user); --system: /etc/systemd/system.
Journal catalog: --system copies units/hooksctl.catalog to /etc/systemd/catalog/ and runs journalctl
--update-catalog; --user skips it (the catalog is system-wide) and prints the command to do it.

--json reports "action": "created" | "replaced" | "unchanged", "changed", "diff" and "reloadNeeded", and
"socket": {"unit", "action", "diff"} (null without socket activation) and "staleSocket". --dry-run prints both units.

Exit: 0 installed, 1 the unit failed validation, 2 bad usage, 69 systemctl failed (the unit is written), 78 bad config or unsafe value.

Examples:
  hooksctl install-unit --config ~/hooks/agents.json --enable --now
  hooksctl install-unit --system --name hooks-prod --dry-run`;

/** Build the `install-unit` command. */
export function makeInstallUnitCommand(ctx: CliContext): Command {
  return withConfigOption(new Command('install-unit'))
    .description('Generate, validate and install the systemd unit for the service')
    .addOption(new Option('--user', 'install for systemd --user (default)').conflicts('system'))
    .addOption(new Option('--system', 'install for the system manager').conflicts('user'))
    .option('--name <name>', 'unit name without .service (default: service.name from the config)')
    .option('--unit-dir <dir>', 'where to write the unit (default: see below)')
    .option('--dry-run', 'print the unit to stdout and write nothing')
    .option('--enable', 'enable the unit (with --now: enable and start it, as systemctl enable --now)')
    .option('--now', 'start the unit (without --enable: start it, or restart it if active)')
    .option('--no-reload', 'do not run systemctl daemon-reload')
    .option('--no-catalog', 'do not install the journal catalog')
    .option('--no-analyze', 'skip systemd-analyze verify/security (the validate-unit rules still run)')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', HELP)
    .action(async (opts: InstallUnitFlags) => {
      const { runInstallUnit } = await import('./install-unit-action.js');
      await runInstallUnit(ctx, opts);
    });
}
