/** The client of the service named by `--config`, for the verbs that talk to a running `serve`. */
import type { CliContext } from './context.js';
import { loadCliConfig } from './config-option.js';
import type { ServiceClient } from './service-client.js';

/** Load the config and build a client for its service (lazily importing both). */
export async function connectService(ctx: CliContext, configFlag: string | undefined): Promise<ServiceClient> {
  const [{ config }, { createServiceClient }] = await Promise.all([loadCliConfig(ctx, configFlag), import('./service-client.js')]);
  return createServiceClient(config, ctx.runtime.env);
}

/** The shared help paragraph of those verbs: where the address comes from, and the exits. */
export const SERVICE_HELP = `
The service's address is service.host:port from the config (--config, $HOOKS_CONFIG or
./config/agents.json); with service.token_env set in its environment (default $HOOKS_TOKEN), calls
carry it as a bearer token.

Exit: 0 ok; 1 the check failed (no such task, or it already ended); 2 bad usage (a malformed id or
option); 69 the service is not running at that address, or hangs without answering; 70 an
unexpected answer; 78 bad config or the token is missing/wrong.`;
