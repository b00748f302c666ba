/**
 * What an agent process sees of the world: its working directory, its HOME, and an environment
 * built from a fixed baseline, the type's `pass_env` names, the type's `env`, its credentials as
 * `<NAME>_FILE` paths and the HOOKS_* task variables. Nothing else of the service's environment
 * reaches it: not the service's token or webhook secret, not `$CREDENTIALS_DIRECTORY`.
 */
import { join } from 'node:path';
import { credentialFileVar } from '../config/agent-keys.js';
import type { AgentInstance } from '../config/instances.js';
import type { Env } from '../runtime.js';
import type { TaskRow } from '../tasks/types.js';

/** The service variables every agent gets when set: the program search path, locale, terminal and user identity. */
export const BASELINE_ENV = ['PATH', 'LANG', 'LANGUAGE', 'TZ', 'TERM', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR'] as const;

/** Where one instance works: set per instance from the config (src/config/agent-paths.ts). */
export interface AgentWorkspace {
  /** The working directory (`cwd`, else the service's). */
  cwd: string;
  /** HOME for a process-mode agent (its state directory unless `home` is set). */
  home: string;
  /** The state directory, created before each task. */
  stateDir: string;
}

/** How credentials are found: systemd's `$CREDENTIALS_DIRECTORY`, else the configured source files. */
export interface CredentialSource {
  /** `$CREDENTIALS_DIRECTORY` of the service, when systemd loaded the credentials. */
  directory: string | undefined;
  /** `service.credentials`: name → source file (used when there is no credentials directory). */
  files: Readonly<Record<string, string>>;
}

/** The path of credential `name`: in the credentials directory, else its configured source file. */
export function credentialPath(source: CredentialSource, name: string): string | undefined {
  return source.directory !== undefined && source.directory !== '' ? join(source.directory, name) : source.files[name];
}

/** The `<NAME>_FILE` variables of a type's credentials. */
export function credentialEnv(names: readonly string[], source: CredentialSource): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const path = credentialPath(source, name);
    if (path !== undefined) out[credentialFileVar(name)] = path;
  }
  return out;
}

/** The variables `names` of the service's environment, those that are set (a container agent's `pass_env`). */
export function pickEnv(base: Env, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = base[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** The baseline (with every LC_*) and `pass_env` variables of the service's environment: what a process agent inherits. */
export function passedEnv(base: Env, passEnv: readonly string[]): Record<string, string> {
  const locale = Object.keys(base).filter((name) => name.startsWith('LC_'));
  return pickEnv(base, [...BASELINE_ENV, ...locale, ...passEnv]);
}

/** The whole environment of a process-mode agent for `task`. */
export function agentProcessEnv(
  base: Env,
  instance: AgentInstance,
  task: TaskRow,
  workspace: AgentWorkspace | undefined,
  credentials: CredentialSource,
): Record<string, string> {
  return {
    ...passedEnv(base, instance.type.pass_env),
    // Without a workspace (an embedder's runner) the service's HOME stays the agent's.
    ...(workspace === undefined ? pickEnv(base, ['HOME']) : { HOME: workspace.home }),
    ...instance.type.env,
    ...credentialEnv(instance.type.credentials, credentials),
    HOOKS_TASK_ID: task.id,
    HOOKS_AGENT: task.agent,
    HOOKS_ATTEMPT: String(task.attempt),
  };
}
