/** The HTTP front door of `serve`: the HTTP app over the store and dispatcher, listening on the configured port. */
import type { Config } from '../config/schema.js';
import { ExitCode, HooksError } from '../errors.js';
import type { Env } from '../runtime.js';
import { buildServer } from '../server/app.js';
import type { Health, Intake, ServerDeps } from '../server/deps.js';
import type { HttpApp } from '../server/http/app.js';
import type { SseHub } from '../server/sse-hub.js';
import type { JournalLogger } from '../systemd/journal/journal.js';
import type { ListenFds } from '../systemd/listen/listen-fds.js';
import type { Dispatcher } from '../tasks/dispatcher.js';
import type { TaskStore } from '../tasks/store.js';
import { serviceSecrets } from './secrets.js';
import { outputLogDir } from '../config/agent-paths.js';
import { adoptListeners, type AdoptedListeners } from './listeners.js';

/** What the front door needs. */
export interface FrontDoorDeps {
  config: Config;
  env: Env;
  store: TaskStore;
  dispatcher: Dispatcher;
  hub: SseHub;
  agents: ReadonlySet<string>;
  /** What happens to new work now (see {@link Intake}). */
  intake(): Intake;
  /** True once the hand-over began. */
  closing(): boolean;
  health(): Promise<Health>;
  logger: JournalLogger;
  /** This host's id, the instances' hosts and the live hosts (see {@link ServerDeps}). */
  hosts?: Pick<ServerDeps, 'hostId' | 'instanceHosts' | 'liveHosts'>;
  /** This host's containers by instance, for `/overview` (see {@link ServerDeps}). */
  containerStates?: ServerDeps['containerStates'];
}

/** Build the app (not listening yet). */
export function buildFrontDoor(deps: FrontDoorDeps): HttpApp {
  const { config, env } = deps;
  const secrets = serviceSecrets(config, env);
  return buildServer({
    store: deps.store,
    dispatcher: deps.dispatcher,
    hub: deps.hub,
    agents: deps.agents,
    token: secrets.token,
    webhookSecret: secrets.webhookSecret,
    outputLogDir: outputLogDir(config),
    intake: deps.intake,
    closing: deps.closing,
    health: deps.health,
    log: (message, fields) => deps.logger.info(message, fields),
    ...deps.hosts,
    ...(deps.containerStates ? { containerStates: deps.containerStates } : {}),
  });
}

/** Listen on `service.host:port`; a port in use or not allowed is exit 69, anything else 70. */
export async function listenOnPort(server: HttpApp, config: Config): Promise<void> {
  const { host, port } = config.service;
  try {
    await server.listen({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HooksError('hooks.serve.listen', `Cannot listen on ${host}:${port}: ${code ?? (error as Error).message}`, {
      exitCode: code === 'EADDRINUSE' || code === 'EACCES' ? ExitCode.unavailable : ExitCode.internal,
      cause: error,
    });
  }
}

/**
 * Listen on the sockets systemd passed (socket activation), or else bind `service.host:port`
 * as a hand-run `serve` does. Returns the adopted listeners, or null when it bound its own port.
 */
export async function listenFrontDoor(server: HttpApp, config: Config, listen: ListenFds): Promise<AdoptedListeners | null> {
  if (!listen.passed) {
    await listenOnPort(server, config);
    return null;
  }
  return adoptListeners(server, listen.fds);
}
