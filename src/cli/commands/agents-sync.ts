/** `hooksctl agents-sync`: Reconcile the agent containers with the config (ExecStartPre). */
import { Command } from '../commander.js';
import type { CliContext } from '../context.js';
import { withConfigOption } from '../config-option.js';

const HELP = `
Every instance of a container-mode type (<type>-default and pool members) gets one container,
named <service>-<instance> and labelled hooksctl.service / hooksctl.instance / hooksctl.config-hash.
One line per instance: "<instance> <container> <action>", where action is
  created    absent: created and started
  unchanged  present, matching config, running: not touched
  started    present, matching, stopped: started
  recreated  present, config drifted: stopped, removed, created and started
  removed    labelled but no longer in the config: stopped and removed
  other-host another host runs it (pool[].host names another than service.host_id, else the
             machine id): left alone, with that host; a closing line counts them
Engine: $HOOKS_CONTAINER_ENGINE (docker or podman, default docker) at $DOCKER_HOST.
Exit: 0 converged, 1 some instance failed (the others still converge), 69 engine down or missing.

Examples:
  hooksctl agents-sync --config /etc/hooks/agents.json
  hooksctl agents-sync --dry-run --json`;

/** Build the `agents-sync` command. */
export function makeAgentsSyncCommand(ctx: CliContext): Command {
  return withConfigOption(new Command('agents-sync'))
    .description('Reconcile the agent containers with the config (ExecStartPre)')
    .option('--dry-run', 'print the planned actions without changing anything')
    .option('--json', 'print machine-readable JSON: [{ instance, container, action, error? }]')
    .addHelpText('after', HELP)
    .action(async (opts: { config?: string; dryRun?: boolean; json?: boolean }) => {
      const [{ loadFleet, printFleet }, { reconcile }] = await Promise.all([
        import('../fleet.js'),
        import('../../containers/reconcile.js'),
      ]);
      const fleet = await loadFleet(ctx, opts.config);
      const results = await reconcile({ ...fleet, dryRun: opts.dryRun === true });
      if (opts.dryRun !== true) await fleet.persist();
      await printFleet(ctx, results, opts.json);
    });
}
