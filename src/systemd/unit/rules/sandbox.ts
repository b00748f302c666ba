/**
 * The sandbox rule: a unit (hand-edited, or generated from another config) must let every
 * process-mode agent write its cwd, its `writable` paths and its state directory. Under
 * `ProtectSystem=strict` only `ReadWritePaths=` (and the runtime/state directories) are
 * writable; `PrivateTmp=yes` gives the service a private /tmp. See systemd.exec(5).
 */
import { agentHome, agentStateDir } from '../../../config/agent-paths.js';
import { listInstances } from '../../../config/instances.js';
import type { Config } from '../../../config/schema.js';
import { lastValue, listValues, sectionLine, type UnitFile } from '../file.js';
import { isUnder } from '../sandbox.js';
import type { UnitFinding } from './types.js';

/** One path an agent writes, with the key it comes from. */
interface AgentWrite {
  key: string;
  path: string;
}

// Every path a process-mode agent writes, named by its config key.
function agentWrites(config: Config): AgentWrite[] {
  const seen = new Set<string>();
  const out: AgentWrite[] = [];
  const add = (key: string, path: string) => {
    if (seen.has(`${key}\0${path}`)) return;
    seen.add(`${key}\0${path}`);
    out.push({ key, path });
  };
  for (const instance of listInstances(config)) {
    const t = instance.type;
    if (t.mode !== 'process') continue;
    const prefix = `types.${instance.typeName}`;
    if (t.cwd !== null) add(`${prefix}.cwd`, t.cwd);
    t.writable.forEach((p, i) => add(`${prefix}.writable.${i}`, p));
    add(`${prefix}.state_dir (${instance.name})`, agentStateDir(config, instance));
    add(`${prefix}.home (${instance.name})`, agentHome(config, instance));
  }
  return out;
}

/** The paths of a space-separated path list value, without their `-`/`+` prefixes and quotes. */
export function pathList(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(/(?:[^\s"]+|"[^"]*")+/g)) {
    const raw = m[0].replace(/"/g, '').replace(/^[-+]+/, '');
    if (raw !== '') out.push(raw.replace(/%%/g, '%'));
  }
  return out;
}

// The writable roots the unit grants: ReadWritePaths= plus StateDirectory=/LogsDirectory= under the system roots.
function writableRoots(unit: UnitFile): string[] {
  const rw = listValues(unit, 'Service', 'ReadWritePaths').flatMap((e) => pathList(e.value));
  const managed = (key: string, root: string) =>
    listValues(unit, 'Service', key).flatMap((e) => pathList(e.value).map((p) => `${root}/${p.replace(/^\/+/, '')}`));
  return [...rw, ...managed('StateDirectory', '/var/lib'), ...managed('LogsDirectory', '/var/log')];
}

const HOME_TREES = ['/home', '/root', '/run/user'];

/** Warn for each agent path the unit's sandbox does not let the agent write. */
export function sandboxFindings(unit: UnitFile, config: Config): UnitFinding[] {
  const protect = lastValue(unit, 'Service', 'ProtectSystem')?.value.trim();
  const protectHome = lastValue(unit, 'Service', 'ProtectHome')?.value.trim();
  const privateTmp = /^(yes|true|on|1)$/i.test(lastValue(unit, 'Service', 'PrivateTmp')?.value.trim() ?? '');
  const line = lastValue(unit, 'Service', 'ReadWritePaths')?.line ?? sectionLine(unit, 'Service') ?? 1;
  const roots = writableRoots(unit);
  const granted = (p: string) => roots.some((r) => isUnder(p, r));
  const out: UnitFinding[] = [];
  for (const { key, path } of agentWrites(config)) {
    const tmp = /^\/(var\/)?tmp(\/|$)/.test(path);
    const why =
      tmp && privateTmp
        ? 'PrivateTmp=yes gives the service its own /tmp: the agent would write there, not to the host path'
        : protect === 'strict' && !granted(path)
          ? 'ProtectSystem=strict makes it read-only and no ReadWritePaths= entry covers it'
          : (protect === 'full' || protect === 'yes' || protect === 'true') &&
              ['/usr', '/boot', '/efi', '/etc'].some((r) => isUnder(path, r)) &&
              !granted(path)
            ? `ProtectSystem=${protect} makes it read-only`
            : protectHome !== undefined &&
                /^(yes|true|read-only|tmpfs)$/.test(protectHome) &&
                HOME_TREES.some((r) => isUnder(path, r)) &&
                !granted(path)
              ? `ProtectHome=${protectHome} hides or write-protects it`
              : null;
    if (why !== null)
      out.push({
        rule: 'sandbox.agent-path',
        severity: 'warning',
        line,
        message: `\`${key}\` is ${path}, which the agent cannot write under this unit: ${why}; re-run install-unit with this config, or add it to ReadWritePaths=`,
      });
  }
  return out;
}
