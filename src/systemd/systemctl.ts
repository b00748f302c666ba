/**
 * Wrappers around `systemctl [--user]`: daemon-reload, enable, start, show.
 * The environment is injected (XDG_RUNTIME_DIR/DBUS address decide which user manager answers).
 * They use node:child_process rather than execa: `validate-unit` runs these on every call and
 * importing execa alone costs ~90 ms of its start-up (see bench/validate).
 * See systemctl(1).
 */
import { execFile } from 'node:child_process';
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

/** The outcome of one command; a non-zero exit is a result, not an exception. */
export interface CommandResult {
  /** The exit code (127 when the program is missing). */
  exitCode: number;
  /** Captured stdout. */
  stdout: string;
  /** Captured stderr. */
  stderr: string;
}

/** The injected Env as a plain record for a child process. */
export function childEnv(env: Env): Record<string, string> {
  const out: Record<string, string> = { SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** Run a program, never throwing on a non-zero exit or a missing binary. */
export function runCommand(file: string, args: readonly string[], o: { env: Env; signal?: AbortSignal | undefined; timeoutMs?: number }): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(file, [...args], { env: childEnv(o.env), maxBuffer: 16 * 1024 * 1024, ...(o.timeoutMs ? { timeout: o.timeoutMs } : {}), ...(o.signal ? { signal: o.signal } : {}) }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT') resolve({ exitCode: 127, stdout: '', stderr: `${file}: not found` });
      else if ((error as { killed?: boolean } | null)?.killed && o.timeoutMs) resolve({ exitCode: 124, stdout, stderr: `${file} timed out after ${o.timeoutMs} ms` });
      else resolve({ exitCode: error === null ? 0 : typeof code === 'number' ? code : (child.exitCode ?? 1), stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** `systemctl [--user] <args...>`. */
export function systemctl(args: readonly string[], o: ManagerOptions): Promise<CommandResult> {
  return runCommand('systemctl', [...(o.scope === 'user' ? ['--user'] : []), '--no-pager', ...args], o);
}

/** `systemctl daemon-reload`. */
export function daemonReload(o: ManagerOptions): Promise<CommandResult> {
  return systemctl(['daemon-reload'], o);
}

/** `systemctl enable [--now] <unit>`. */
export function enableUnit(unit: string, now: boolean, o: ManagerOptions): Promise<CommandResult> {
  return systemctl(['enable', ...(now ? ['--now'] : []), unit], o);
}

/** `systemctl start <unit>`. */
export function startUnit(unit: string, o: ManagerOptions): Promise<CommandResult> {
  return systemctl(['start', unit], o);
}

/** `systemctl show -p ... <unit>` parsed into a record. */
export async function showUnit(unit: string, props: readonly string[], o: ManagerOptions): Promise<Record<string, string>> {
  const r = await systemctl(['show', unit, ...props.map((p) => `--property=${p}`)], o);
  return Object.fromEntries(r.stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}
