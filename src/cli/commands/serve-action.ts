/**
 * What `hooksctl serve` does once its arguments are read: load the config, run the service until
 * it has drained, exit. Shared by the commander verb (serve.ts) and the direct start of the
 * unit's own ExecStart line (src/cli/serve-direct.ts), which skips building the whole CLI.
 */
import type { CliContext } from '../context.js';
import { loadCliConfig } from '../config-option.js';
import { LISTEN_ENV_KEYS } from '../../systemd/listen/listen-fds.js';
import { readMachineId } from '../machine-id.js';

/** Run the service with the config named by `configFlag` (or the default search); exits the process with its code. */
export async function runServe(ctx: CliContext, configFlag: string | undefined): Promise<void> {
  const service = import('../../service/index.js'); // load it while the config is read and validated
  const loaded = await loadCliConfig(ctx, configFlag);
  const { runService } = await service;
  // The service reads LISTEN_* (socket activation) from its own copy of the env; the process
  // env loses them, so nothing spawned with process.env (execa extends it) sees them.
  const runtime = { ...ctx.runtime, env: { ...ctx.runtime.env } };
  for (const key of LISTEN_ENV_KEYS) delete process.env[key];
  const code = await runService({ config: loaded.config, runtime, pid: process.pid, machineId: readMachineId() });
  // After "bye" nothing is left to do: exit now rather than wait for stray handles
  // (a late keep-alive socket, a module still warming) to let the event loop end.
  ctx.runtime.exit(code);
}
