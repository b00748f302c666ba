/**
 * Wrappers around `systemctl [--user]`: any verb, and `show` parsed. (install-unit's steps are in ./unit/activate.ts.)
 * The environment is injected (XDG_RUNTIME_DIR/DBUS address decide which user manager answers).
 * See systemctl(1).
 */
import { runCommand, type CommandResult } from '../run-command.js';
import type { Env } from '../runtime.js';

/** Which manager to talk to. */
export type UnitScope = 'user' | 'system';

/** How to reach the manager. */
export interface ManagerOptions {
  /** user or system manager. */
  scope: UnitScope;
  /** The environment for the child (PATH, XDG_RUNTIME_DIR, ...). */
  env: Env;
  /** Cancels the call. */
  signal?: AbortSignal;
}

export type { CommandResult } from '../run-command.js';

/** `systemctl [--user] <args...>`. */
export function systemctl(args: readonly string[], o: ManagerOptions): Promise<CommandResult> {
  return runCommand('systemctl', [...(o.scope === 'user' ? ['--user'] : []), '--no-pager', ...args], o);
}

/** `systemctl show -p ... <unit>` parsed into a record. */
export async function showUnit(unit: string, props: readonly string[], o: ManagerOptions): Promise<Record<string, string>> {
  const r = await systemctl(['show', unit, ...props.map((p) => `--property=${p}`)], o);
  return Object.fromEntries(
    r.stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}
