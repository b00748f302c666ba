/** `hooksctl serve`: run the dispatcher service (HTTP API, task queues, graceful drain under systemd). */
import { Command } from '../commander.js';
import type { CliContext } from '../context.js';
import { loadCliConfig, withConfigOption } from '../config-option.js';
import { LISTEN_ENV_KEYS } from '../../systemd/listen/listen-fds.js';
import { readMachineId } from '../machine-id.js';

const HELP = `
Runs until SIGTERM/SIGINT, then drains: new work gets 503, in-flight tasks get
shutdown.drain_ms to finish, the rest are aborted (SIGTERM, abort_grace_ms, SIGKILL)
and marked cancelled/shutdown (re-queued at the next start when shutdown.requeue).
Under systemd (Type=notify) it sends READY=1, STATUS=, STOPPING=1 and, in extend mode,
EXTEND_TIMEOUT_USEC=. Phase lines go to the journal: journalctl SHUTDOWN_PHASE=drain.

Try it:
  hooksctl serve &
  curl -s -XPOST localhost:8787/task -H 'content-type: application/json' \\
       -d '{"agent":"dev-default","payload":{"hello":"world"}}'
  curl -s localhost:8787/tasks/<id>`;

/** Build the `serve` command. */
export function makeServeCommand(ctx: CliContext): Command {
  return withConfigOption(new Command('serve'))
    .description('Run the dispatcher service (HTTP API, task queues, graceful drain under systemd)')
    .addHelpText('after', HELP)
    .action(async (opts: { config?: string }) => {
      const service = import('../../service/index.js'); // load it while the config is read and validated
      const loaded = await loadCliConfig(ctx, opts.config);
      const { runService } = await service;
      // The service reads LISTEN_* (socket activation) from its own copy of the env; the process
      // env loses them, so nothing spawned with process.env (execa extends it) sees them.
      const runtime = { ...ctx.runtime, env: { ...ctx.runtime.env } };
      for (const key of LISTEN_ENV_KEYS) delete process.env[key];
      const code = await runService({ config: loaded.config, runtime, pid: process.pid, machineId: readMachineId() });
      // After "bye" nothing is left to do: exit now rather than wait for stray handles
      // (a late keep-alive socket, a module still warming) to let the event loop end.
      ctx.runtime.exit(code);
    });
}
