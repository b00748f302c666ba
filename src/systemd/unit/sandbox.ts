/**
 * The agents' part of the unit's sandbox, derived from the config: which paths the service (and
 * so every agent it spawns) may write under `ProtectSystem=strict`, which directories must exist
 * before the unit starts, the `StateDirectory=` that fits, and the `LoadCredential=` lines.
 * See systemd.exec(5), "Sandboxing" and "Credentials".
 */
import { listInstances } from '../../config/instances.js';
import { agentHome, agentStateDir, dataDirectory } from '../../config/agent-paths.js';
import type { Config } from '../../config/schema.js';
import { ExitCode, HooksError } from '../../errors.js';
import { quotePath } from './quote.js';

/** What the sandbox must leave writable, split by whether the path must exist. */
export interface AgentSandbox {
  /** Paths install-unit creates and the unit names plainly (data dir, state dirs, homes): systemd refuses to start without them. */
  required: string[];
  /** Process-mode cwd and `writable` paths: named with `-` (a missing one is skipped, not fatal). */
  optional: string[];
}

/** True when `path` is `root` or below it. */
export function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

// Drop paths already covered by another one in the list, keeping the first spelling.
function minimal(paths: readonly string[], cover: readonly string[] = []): string[] {
  const unique = [...new Set(paths)];
  return unique.filter((p) => ![...cover, ...unique].some((q) => q !== p && isUnder(p, q)) && !cover.includes(p));
}

/** The writable paths of the sandbox: the data directory, every state directory and HOME, every process type's cwd and `writable`. */
export function agentSandbox(config: Config): AgentSandbox {
  const processInstances = listInstances(config).filter((i) => i.type.mode === 'process');
  const required = minimal([dataDirectory(config), ...processInstances.flatMap((i) => [agentStateDir(config, i), agentHome(config, i)])]);
  const processTypes = Object.values(config.types).filter((t) => t.mode === 'process');
  const optional = minimal(
    processTypes.flatMap((t) => [...(t.cwd === null ? [] : [t.cwd]), ...t.writable]),
    required,
  );
  return { required, optional };
}

/** `StateDirectory=` when the data directory is one systemd can manage: under /var/lib for the system manager. */
export function stateDirectoryLine(config: Config, scope: 'user' | 'system'): string[] {
  // A user manager's StateDirectory= root moved between releases ($XDG_CONFIG_HOME in 252, $XDG_STATE_HOME later): leave it out there.
  const dir = dataDirectory(config);
  if (scope !== 'system' || !isUnder(dir, '/var/lib') || dir === '/var/lib') return [];
  return [`StateDirectory=${quotePath('StateDirectory', dir).slice('/var/lib/'.length)}`];
}

/** One `LoadCredential=<name>:<file>` line per `service.credentials` entry. */
export function credentialLines(config: Config): string[] {
  return Object.entries(config.service.credentials).map(([name, file]) => {
    if (name.includes(':'))
      throw new HooksError('hooks.unit.unsafe_value', `Expected \`service.credentials\` names without ":", got ${JSON.stringify(name)}`, {
        exitCode: ExitCode.config,
        details: { option: `service.credentials.${name}` },
      });
    return `LoadCredential=${name}:${quotePath(`service.credentials.${name}`, file)}`;
  });
}
