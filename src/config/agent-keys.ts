/**
 * The per-type keys that give a real coding agent its workspace, its writable paths, its state
 * directory, its environment, its secrets and its time limits (issue 13). Each value is checked
 * here so that install-unit can put it in the unit's sandbox and serve can hand it to the agent;
 * every message names the key through the issue path (`types.<t>.cwd`).
 */
import * as z from 'zod/mini';
import './zod-english.js';

/** The longest duration a Node timer can wait (2^31-1 ms, about 24.8 days). */
const MAX_MS = 2 ** 31 - 1;

/** Environment variable names (POSIX portable). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Credential names: they become `LoadCredential=<name>:…`, a file name under
 * `$CREDENTIALS_DIRECTORY` and the variable `<NAME>_FILE`, so they start with a letter.
 */
export const CREDENTIAL_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

// A credential name, as a type lists it and as a key of `service.credentials`.
const credentialName = z.string().check(z.regex(CREDENTIAL_NAME, `Expected a credential name matching ${CREDENTIAL_NAME}`));

/** Trees that are never a workspace: kernel and device interfaces, and the root itself. */
const FORBIDDEN_ROOTS = ['/proc', '/sys', '/dev'];

/** The complaint about `path` as an absolute, normalized host path, or null when it is fine. */
export function pathProblem(path: string): string | null {
  if (/[\0\r\n]/.test(path)) return 'to hold no newline or NUL';
  if (!path.startsWith('/')) return `to be an absolute path, got ${JSON.stringify(path)}`;
  if (path.split('/').some((segment) => segment === '.' || segment === '..'))
    return `to be a normalized path without "." or ".." segments, got ${JSON.stringify(path)}`;
  if (/\/\/|.\/$/.test(path)) return `to be a normalized path without "//" or a trailing "/", got ${JSON.stringify(path)}`;
  if (path === '/') return 'to be a directory below /, not / itself';
  if (FORBIDDEN_ROOTS.some((root) => path === root || path.startsWith(`${root}/`)))
    return `not to be under ${FORBIDDEN_ROOTS.join(', ')}, got ${JSON.stringify(path)}`;
  if (/["'\\]/.test(path) || path.trim() !== path) return 'to hold no quote, backslash or edge space (it goes into the unit file)';
  return null;
}

/** An absolute host path, checked with {@link pathProblem}. */
export const hostPath = z.string().check(
  z.superRefine((value, ctx) => {
    const problem = pathProblem(value);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: `Expected this path ${problem}` });
  }),
);

/** A positive time limit in ms, or null for none. */
const limitMs = z._default(
  z.nullable(
    z
      .number()
      .check(
        z.int('Expected a whole number of milliseconds'),
        z.positive('Expected a positive number of milliseconds (or null for no limit)'),
        z.maximum(MAX_MS, `Expected at most ${MAX_MS} ms (about 24.8 days)`),
      ),
  ),
  null,
);

/** The per-type keys of issue 13, spread into the type schema. */
export const agentKeys = {
  /** The workspace: the process's working directory, or `docker exec --workdir` in container mode. Null: the service's. */
  cwd: z._default(z.nullable(hostPath), null),
  /** Host paths the agent may write (process mode): they go into the unit's ReadWritePaths=. */
  writable: z._default(z.array(hostPath), []),
  /** The agent's state directory (process mode); null: `<data dir>/agents/<instance>`. It is HOME unless `home` is set. */
  state_dir: z._default(z.nullable(hostPath), null),
  /** The agent's HOME (process mode); null: its state directory. */
  home: z._default(z.nullable(hostPath), null),
  /** Names of the service's environment variables the agent gets; nothing else of it is passed but a fixed baseline (PATH, locale, …). */
  pass_env: z._default(z.array(z.string().check(z.regex(ENV_NAME, 'Expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*)'))), []),
  /** Credentials (names from `service.credentials`) the agent gets as `<NAME>_FILE` paths. */
  credentials: z._default(z.array(credentialName), []),
  /** A task running longer ends failed/timeout. */
  timeout_ms: limitMs,
  /** A task silent (no stdout or stderr) this long ends failed/no-output-timeout. */
  no_output_timeout_ms: limitMs,
  /** Output kept in the task row beyond this many bytes is cut, with a marker; the agent keeps running. */
  max_output_bytes: z._default(
    z.nullable(
      z
        .number()
        .check(
          z.int('Expected a whole number of bytes'),
          z.positive('Expected a positive number of bytes (or null for the default tail)'),
          z.maximum(2 ** 31 - 1),
        ),
    ),
    null,
  ),
};

/** The per-type keys as a type gets them when the file leaves them out (jitless: parsed once, at load). */
export const AGENT_KEY_DEFAULTS = z.strictObject(agentKeys).parse({}, { jitless: true });

/** `service.credentials`: credential name → absolute file path, each a `LoadCredential=` line of the unit. */
export const credentialsSchema = z._default(z.record(credentialName, hostPath), {});

/** `service.output_logs`: how long the per-task output logs under `<data dir>/logs/` are kept, and how much they may take. */
export const outputLogsSchema = z._default(
  z.strictObject({
    max_age_days: z._default(z.number().check(z.int('Expected a whole number of days'), z.minimum(0), z.maximum(3650)), 14),
    max_total_bytes: z._default(z.number().check(z.int('Expected a whole number of bytes'), z.minimum(0), z.maximum(2 ** 50)), 2 ** 30),
  }),
  { max_age_days: 14, max_total_bytes: 2 ** 30 },
);

/** `api-key` → `API_KEY_FILE`: the Docker-secrets convention for the variable naming a credential's file. */
export function credentialFileVar(name: string): string {
  return `${name.toUpperCase().replace(/-/g, '_')}_FILE`;
}
