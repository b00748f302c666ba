/**
 * Config loading: `--config FILE`, else `$HOOKS_CONFIG`, else `./config/agents.json`,
 * else the built-in defaults. Sections in the file are merged over the defaults
 * (`types` and `pool` replace theirs), then the whole is validated.
 */
import { existsSync, statSync } from 'node:fs';
import { describeReadError, readRegularFile } from '../read-file.js';
import { dirname, isAbsolute, resolve } from 'node:path';
import type * as z from 'zod/mini';
import { ExitCode, HooksError } from '../errors.js';
import { escapeControl } from '../escape.js';
import type { Env } from '../runtime.js';
import { jsonErrorPosition, withoutOffset } from './json-position.js';
import { isDatabaseUrl } from './db-url.js';
import { defaultConfig } from './defaults.js';
import { configSchema, type Config } from './schema.js';

/** Where the config came from. */
export type ConfigSource = 'flag' | 'env' | 'cwd' | 'defaults';

/** A loaded config with its origin. */
export interface LoadedConfig {
  /** The validated config; `service.db` is made absolute. */
  config: Config;
  /** The absolute file path, or null for built-in defaults. */
  path: string | null;
  /** How the file was chosen. */
  source: ConfigSource;
}

/** Inputs to {@link loadConfig}. */
export interface LoadConfigOptions {
  /** The `--config` flag, if given. */
  flag?: string | undefined;
  /** The environment (for `HOOKS_CONFIG`). */
  env: Env;
  /** Working directory for relative paths. */
  cwd: string;
  /** The node binary used by the default example agent. */
  execPath: string;
  /** Reads a file; injected for tests. */
  readFile?: (path: string) => string;
  /** Whether a file exists; injected for tests. */
  exists?: (path: string) => boolean;
  /** Whether a directory exists (a process-mode type's `cwd` must); injected for tests. */
  isDirectory?: (path: string) => boolean;
}

/** Find, read, merge and validate the config. Throws HooksError with exit 78 on any problem. */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const read = options.readFile ?? ((p: string) => readRegularFile(p));
  const { path, source } = locate(options);
  if (path === null) return { config: finish(parseConfig(defaultConfig(options.execPath), '<defaults>'), options.cwd), path, source };
  const config = readAndParse(path, read, options.execPath);
  checkWorkspaces(config, path, options.isDirectory ?? isDirectory);
  return { config, path, source };
}

// Read, merge over the defaults and validate the file at `path`.
function readAndParse(path: string, read: (path: string) => string, execPath: string): Config {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    throw new HooksError('hooks.config.unreadable', `Cannot read config ${path}: ${describeReadError(error)}`, {
      exitCode: ExitCode.config,
      cause: error,
      details: { file: path },
    });
  }
  let raw: unknown;
  const json = text.replace(/^\uFEFF/, '');
  try {
    raw = JSON.parse(json);
  } catch (error) {
    const message = (error as Error).message;
    const at = jsonErrorPosition(json, message);
    const where = at === null ? path : `${path}:${at.line}:${at.column}`;
    throw new HooksError('hooks.config.syntax', `${where}: not valid JSON: ${at === null ? message : withoutOffset(message)}`, {
      exitCode: ExitCode.config,
      cause: error,
      details: { file: path, ...(at === null ? {} : at) },
    });
  }
  return finish(parseConfig(mergeOverDefaults(raw, defaultConfig(execPath), path), path), dirname(path));
}

// True when `path` is a directory.
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Every process-mode type's `cwd` must be an existing directory (a container's is inside the container). Throws exit 78. */
export function checkWorkspaces(config: Config, label: string, isDir: (path: string) => boolean): void {
  for (const [typeName, type] of Object.entries(config.types)) {
    if (type.mode !== 'process' || type.cwd === null || isDir(type.cwd)) continue;
    const key = `types.${typeName}.cwd`;
    throw new HooksError('hooks.config.invalid', `${label}: ${key}: Expected \`${key}\` to be an existing directory, got ${type.cwd}`, {
      exitCode: ExitCode.config,
      details: { file: label, path: key, issues: [{ path: key, message: 'Expected an existing directory' }] },
    });
  }
}

/** Validate an already-merged config object; exported for tests and for `--config -`. */
export function parseConfig(value: unknown, label: string): Config {
  // jitless: a config is parsed once a process, and zod's generated fast parser costs more to
  // build (source text, then new Function) than that one parse saves: ~3 ms on the way to READY=1.
  const result = configSchema.safeParse(value, { jitless: true });
  if (result.success) return result.data;
  const issues = result.error.issues.map(describeIssue);
  const first = issues[0] ?? { path: '', message: 'invalid' };
  throw new HooksError('hooks.config.invalid', issues.map((i) => `${label}: ${i.path || '(root)'}: ${i.message}`).join('\n'), {
    exitCode: ExitCode.config,
    details: { file: label, path: first.path, issues },
  });
}

// Pick the config file by precedence.
function locate(options: LoadConfigOptions): { path: string | null; source: ConfigSource } {
  // Present means present: an unreadable ./config/agents.json is an error (exit 78), never silently the defaults.
  const exists = options.exists ?? existsSync;
  if (options.flag !== undefined) return { path: resolve(options.cwd, options.flag), source: 'flag' };
  const fromEnv = options.env['HOOKS_CONFIG'];
  if (fromEnv !== undefined && fromEnv !== '') return { path: resolve(options.cwd, fromEnv), source: 'env' };
  const local = resolve(options.cwd, 'config/agents.json');
  if (exists(local)) return { path: local, source: 'cwd' };
  return { path: null, source: 'defaults' };
}

// Merge the file's sections over the defaults; unknown top-level keys pass through to be rejected.
function mergeOverDefaults(raw: unknown, defaults: ReturnType<typeof defaultConfig>, label: string): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new HooksError('hooks.config.invalid', `${label}: (root): Expected a JSON object`, {
      exitCode: ExitCode.config,
      details: { file: label, path: '' },
    });
  }
  const file = raw as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...defaults, ...file };
  // The default pool belongs to the default types: a file that brings its own types starts with no pool.
  if (file['types'] !== undefined && file['pool'] === undefined) merged['pool'] = [];
  for (const section of ['service', 'shutdown', 'unit'] as const) {
    const value = file[section];
    if (value !== undefined && typeof value === 'object' && value !== null && !Array.isArray(value))
      merged[section] = { ...defaults[section], ...value };
  }
  return merged;
}

// Make a `service.db` path absolute against the config's directory (a URL stays as it is).
function finish(config: Config, baseDir: string): Config {
  const given = config.service.db;
  const db = isDatabaseUrl(given) || isAbsolute(given) ? given : resolve(baseDir, given);
  // With a URL there is no database file to sit beside: the data directory defaults to ./data.
  const dir = config.service.data_dir ?? (isDatabaseUrl(given) ? 'data' : undefined);
  const dataDir = dir === undefined ? {} : { data_dir: resolve(baseDir, dir) };
  return { ...config, service: { ...config.service, db, ...dataDir } };
}

// Turn a zod issue into a JSON path and a reason.
function describeIssue(issue: z.core.$ZodIssue): { path: string; message: string } {
  // A key is the file's own text: a newline or ESC in it must not break the one-line-per-issue message.
  const base = issue.path.map((key) => escapeControl(String(key))).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    return {
      path: [base, keys[0] === undefined ? undefined : escapeControl(keys[0])].filter(Boolean).join('.'),
      message: `Unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => JSON.stringify(k)).join(', ')}`,
    };
  }
  return { path: base, message: issue.message };
}
