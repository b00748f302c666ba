/** `hooksctl validate-unit`: Check a unit file: syntax, drain budget, kill mode, notify access. */
import { resolve } from 'node:path';
import { Command, Option } from '../commander.js';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';

/** Options of `validate-unit`. */
export interface ValidateUnitFlags {
  /** --config FILE: check the drain budget against this config (else the usual lookup, else the defaults). */
  config?: string;
  /** --user (default). */
  user?: boolean;
  /** --system. */
  system?: boolean;
  /** --strict: warnings fail too. */
  strict?: boolean;
  /** --json. */
  json?: boolean;
  /** --no-analyze sets this false. */
  analyze: boolean;
}

const HELP = `
Prints one finding per line as FILE:LINE: error|warning [rule-id] message, then a summary.
Rules: syntax.*, exec.missing, notify.access-none, timeout.infinity, timeout.zero, budget.plain,
budget.extend-first, budget.extend-cap, timeout.user-cap, killmode.control-group, killmode.orphans,
watchdog.not-hooksctl, containers.asymmetric, unknown.section, unknown.key, analyze.verify.
Socket activation: a .service with a <name>.socket beside it is checked with its socket, and a .socket can
be given directly. Socket rules: socket.accept (Accept=yes), socket.no-listen, socket.listen-mismatch
(a TCP ListenStream= other than the config's service.host:port), socket.service-mismatch, socket.not-required
(the service lacks Requires= on the socket). --json: the socket's verdict is under "socket".
The budget rule (drain_ms + abort_grace_ms + cleanup_ms + margin_ms <= TimeoutStopSec, or the
extend-mode rules) uses the config: --config, else $HOOKS_CONFIG, else ./config/agents.json, else the
built-in defaults (hooksctl config --json); a note says which (--json: "config": {"source": "defaults" | path}). Scope: --user unless --system is given. systemd-analyze verify and security --offline=yes are folded
in when they can run; the summary says when they cannot.

Exit: 0 no errors (with --strict: no warnings either), 1 findings, 2 bad usage, 78 unreadable unit or config.

Examples:
  hooksctl validate-unit ~/.config/systemd/user/claude-hooks.service --config config/agents.json
  hooksctl validate-unit my.service --system --strict --json`;

/** Build the `validate-unit` command. */
export function makeValidateUnitCommand(ctx: CliContext): Command {
  return withConfigOption(new Command('validate-unit'))
    .description('Check a unit file: syntax, drain budget, kill mode, notify access')
    .argument('<file>', 'the .service file to check (with its sibling .socket), or a .socket')
    .addOption(new Option('--user', 'the unit is for systemd --user (default)').conflicts('system'))
    .addOption(new Option('--system', 'the unit is for the system manager').conflicts('user'))
    .option('--strict', 'warnings fail the check too')
    .option('--no-analyze', 'skip systemd-analyze verify/security')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', HELP)
    .action(async (file: string, opts: ValidateUnitFlags) => {
      // systemd-analyze runs first (bin.ts may have started it already) so its child processes overlap loading the rules.
      const path = resolve(ctx.runtime.cwd, file);
      const scope = opts.system === true ? 'system' : 'user';
      const staged = opts.analyze
        ? (ctx.earlyAnalysis?.take(path, scope) ??
          (await import('../../systemd/unit/analyze.js')).startStagedAnalysis(path, { scope, env: ctx.runtime.env }))
        : null;
      const { runValidateUnit } = await import('./validate-unit-action.js');
      // Our own loading is done: security (the short run) starts now, beside verify.
      staged?.release();
      await runValidateUnit(ctx, file, opts, staged?.result ?? null);
    });
}
