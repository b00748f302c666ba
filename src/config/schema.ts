/**
 * The config schema (agents.json), checked with zod. Every object is strict (unknown keys
 * are rejected) and every duration is validated; defaults live in ./defaults.ts.
 */
import * as z from 'zod/mini';
import './zod-english.js';
import { parseTimespan } from '../systemd/timespan.js';
import { ENV_NAME, agentKeys, credentialsSchema, outputLogsSchema } from './agent-keys.js';
import { databaseUrlProblem } from './db-url.js';

/** Instance, type and service names: no slash, newline, space, `%` or `$`. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

const name = (what: string) =>
  z
    .string()
    .check(z.regex(NAME_PATTERN, `Expected ${what} to match ${NAME_PATTERN} (letters, digits, "_", ".", "-"; no slash, space or newline)`));

/** The longest duration a Node timer can wait (2^31-1 ms, about 24.8 days). */
const MAX_MS = 2 ** 31 - 1;

const durationMs = z
  .number()
  .check(
    z.int('Expected a whole number of milliseconds'),
    z.nonnegative('Expected a non-negative duration in ms'),
    z.maximum(MAX_MS, `Expected at most ${MAX_MS} ms (about 24.8 days)`),
  );

/** A systemd time span (string, or a number of seconds) between `minUs` and `MAX_MS`; `infinity` is refused. */
const timespan = (minUs: number, what: string) =>
  z.union([z.string(), z.number()]).check(
    z.superRefine((value, ctx) => {
      let us: number;
      try {
        us = parseTimespan(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return;
      }
      if (us === Infinity || us > MAX_MS * 1000)
        ctx.addIssue({ code: 'custom', message: `Expected ${what} to be finite and at most ${MAX_MS} ms` });
      else if (us < minUs) ctx.addIssue({ code: 'custom', message: `Expected ${what} to be at least ${minUs / 1_000_000} s` });
    }),
  );

const noControl = (what: string) => z.string().check(z.refine((s) => !/[\0\r\n]/.test(s), `Expected ${what} to hold no newline or NUL`));

// An environment variable name (`token_env`, `webhook_secret_env`, a type's `env` keys).
const envName = z.string().check(z.regex(ENV_NAME, 'Expected an environment variable name'));

// A non-empty string, the second stage of a path key's pipe.
const nonEmpty = z.string().check(z.minLength(1));

/**
 * A container image reference (`busybox`, `ghcr.io/org/agent:1.2`, `x@sha256:…`). It is passed
 * to `docker run` as an argument, so a leading `-` (an option such as `--privileged`) or a space
 * is refused.
 */
const IMAGE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,511}$/;

/** A `docker run --volume` value: SOURCE:/container/path[:options], SOURCE a host path or a volume name. */
const MOUNT_PATTERN = /^(?!-)[^:\0\r\n]+:\/[^:\0\r\n]*(?::[A-Za-z,]+)?$/;

/** A `--network` value: a network name, `host`, `none` or `container:<name>`. */
const NETWORK_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** `service` section. */
export const serviceSchema = z.strictObject({
  name: name('service.name'),
  host: z.string().check(z.minLength(1), z.regex(/^[A-Za-z0-9.:[\]-]+$/, 'Expected a host name or IP address')),
  port: z.number().check(z.int(), z.minimum(0), z.maximum(65535)),
  /** A SQLite file path, or a `postgres://` URL without a password (see ./db-url.ts). */
  db: z.pipe(noControl('service.db'), nonEmpty).check(
    z.superRefine((db, ctx) => {
      const problem = databaseUrlProblem(db);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    }),
  ),
  /** This host's id among the hosts sharing a PostgreSQL store; default: the machine id (/etc/machine-id). */
  host_id: z.optional(name('service.host_id')),
  /** How long a claim's lease on a shared store lasts before another host may reclaim the task. */
  lease_ms: z
    .number({ error: 'Expected `service.lease_ms` to be a whole number of milliseconds' })
    .check(
      z.int('Expected `service.lease_ms` to be a whole number of milliseconds'),
      z.minimum(1_000, 'Expected `service.lease_ms` to be at least 1000 ms (the host loop runs at most once a second)'),
      z.maximum(MAX_MS, `Expected \`service.lease_ms\` to be at most ${MAX_MS} ms`),
    ),
  /** How often a host renews the leases of its running tasks (and runs its host loop); less than `lease_ms`. */
  lease_renew_ms: z
    .number({ error: 'Expected `service.lease_renew_ms` to be a whole number of milliseconds' })
    .check(
      z.int('Expected `service.lease_renew_ms` to be a whole number of milliseconds'),
      z.minimum(100, 'Expected `service.lease_renew_ms` to be at least 100 ms'),
    ),
  /** Where agent state and output logs live; default: the directory of a `service.db` path, or ./data with a URL. */
  data_dir: z.optional(z.pipe(noControl('service.data_dir'), nonEmpty)),
  token_env: envName,
  webhook_secret_env: envName,
  /** Secrets as systemd credentials: name → file, `LoadCredential=` lines (see ./agent-keys.ts). */
  credentials: credentialsSchema,
  /** Retention of the per-task output logs. */
  output_logs: outputLogsSchema,
});

/** `shutdown` section: the drain budget inputs (see src/shutdown/budget.ts). */
export const shutdownSchema = z.strictObject({
  drain_ms: durationMs,
  abort_grace_ms: durationMs,
  cleanup_ms: durationMs,
  margin_ms: durationMs,
  extend: z.boolean(),
  max_drain_ms: durationMs,
  requeue: z.boolean(),
  /** What the draining instance does with new work: store it queued for the next instance, or answer 503. */
  intake: z.enum(['queue', 'refuse']),
  /** How many times a task may run in all before a crash or shutdown ends it `failed/attempts-exhausted`. */
  max_attempts: z.number().check(z.int(), z.minimum(1), z.maximum(100)),
});

/** `unit` section: what the generated systemd unit looks like. */
export const unitSchema = z.strictObject({
  timeout_stop_sec: z.nullable(timespan(1_000_000, '`timeout_stop_sec`')),
  kill_mode: z.enum(['mixed', 'control-group', 'process', 'none']),
  watchdog_sec: z.nullable(timespan(1_000_000, '`watchdog_sec`')),
  restart: z.enum(['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always']),
  hardening: z.boolean(),
  containers_down_on_stop: z.boolean(),
  /** Write `<name>.socket` beside the service, so systemd holds the port across restarts. */
  socket_activation: z.boolean({ error: 'Expected `unit.socket_activation` to be true or false' }),
  /** An extra unix socket path for the socket unit (ListenStream=), or null. */
  listen_unix: z.nullable(
    z
      .string({ error: 'Expected `unit.listen_unix` to be an absolute socket path or null' })
      .check(
        z.regex(/^\/[^\0\r\n\s]*$/, 'Expected `unit.listen_unix` to be an absolute socket path without spaces or newlines'),
        z.maxLength(107, 'Expected `unit.listen_unix` to be at most 107 bytes (sun_path)'),
      ),
  ),
});

/** One agent type. */
export const typeSchema = z.strictObject({
  mode: z.enum(['process', 'container']),
  command: z.array(noControl('a command argument')).check(z.minLength(1, 'Expected at least the program to run')),
  /** Container mode: the image (required there; null or omitted for process mode). */
  image: z._default(
    z.nullable(
      z
        .string()
        .check(
          z.regex(IMAGE_PATTERN, 'Expected an image reference such as busybox or ghcr.io/org/agent:1.2 (no leading "-", space or newline)'),
        ),
    ),
    null,
  ),
  env: z._default(z.record(envName, z.string().check(z.refine((s) => !s.includes('\0'), 'Expected no NUL byte'))), {}),
  /** Container mode: bind mounts as `docker run -v` values (`/host:/ctr[:ro]`). */
  mounts: z._default(
    z.array(z.string().check(z.regex(MOUNT_PATTERN, 'Expected a mount as SOURCE:/path/in/container[:options], e.g. /srv/repos:/repos:ro'))),
    [],
  ),
  /** Container mode: the `--network` to run with (null: the engine's default). */
  network: z._default(
    z.nullable(z.string().check(z.regex(NETWORK_PATTERN, 'Expected a network name, host, none or container:<name>'))),
    null,
  ),
  ...agentKeys,
});

/** One extra pool instance. */
export const poolEntrySchema = z.strictObject({
  name: name('pool[].name'),
  type: name('pool[].type'),
  /** The host (`service.host_id`) that runs this instance; absent: whichever host claims its task first. */
  host: z.optional(name('pool[].host')),
});

/** The whole file after defaults were applied. */
export const configSchema = z
  .strictObject({
    service: serviceSchema,
    shutdown: shutdownSchema,
    unit: unitSchema,
    types: z.record(name('a type name'), typeSchema).check(z.refine((t) => Object.keys(t).length > 0, 'Expected at least one agent type')),
    pool: z.array(poolEntrySchema),
  })
  .check(
    z.superRefine((config, ctx) => {
      checkLease(config.service, ctx);
      for (const [typeName, type] of Object.entries(config.types)) {
        if (type.mode === 'container' && type.image === null) {
          ctx.addIssue({ code: 'custom', path: ['types', typeName, 'image'], message: 'Expected an image for a container-mode type' });
        }
        checkAgentKeys(config.service.credentials, typeName, type, ctx);
      }
      const seen = new Set(Object.keys(config.types).map((t) => `${t}-default`));
      config.pool.forEach((entry, i) => {
        if (!Object.hasOwn(config.types, entry.type))
          ctx.addIssue({ code: 'custom', path: ['pool', i, 'type'], message: `Unknown type "${entry.type}"` });
        if (seen.has(entry.name))
          ctx.addIssue({ code: 'custom', path: ['pool', i, 'name'], message: `Duplicate instance name "${entry.name}"` });
        seen.add(entry.name);
      });
    }),
  );

// A lease must be renewed before it runs out, or every running task is reclaimed by another host.
function checkLease(service: z.infer<typeof serviceSchema>, ctx: z.core.$RefinementCtx): void {
  if (service.lease_renew_ms < service.lease_ms) return;
  ctx.addIssue({
    code: 'custom',
    path: ['service', 'lease_renew_ms'],
    message: `Expected \`service.lease_renew_ms\` (${service.lease_renew_ms}) to be less than \`service.lease_ms\` (${service.lease_ms}): a lease must be renewed before it runs out`,
  });
}

// The cross-key rules of the per-type agent keys: known credentials, host-side keys in process mode only.
function checkAgentKeys(
  credentials: Readonly<Record<string, string>>,
  typeName: string,
  type: z.infer<typeof typeSchema>,
  ctx: z.core.$RefinementCtx,
): void {
  type.credentials.forEach((name, i) => {
    if (!Object.hasOwn(credentials, name))
      ctx.addIssue({
        code: 'custom',
        path: ['types', typeName, 'credentials', i],
        message: `Expected \`types.${typeName}.credentials\` to name a key of \`service.credentials\`, got ${JSON.stringify(name)}`,
      });
  });
  if (type.mode !== 'container') return;
  for (const key of ['writable', 'state_dir', 'home', 'credentials'] as const) {
    const value = type[key];
    if (value !== null && !(Array.isArray(value) && value.length === 0))
      ctx.addIssue({
        code: 'custom',
        path: ['types', typeName, key],
        message: `Expected \`types.${typeName}.${key}\` only in process mode (a container gets its paths through \`mounts\`)`,
      });
  }
}

/** A validated config. */
export type Config = z.infer<typeof configSchema>;
/** One agent type. */
export type AgentType = z.infer<typeof typeSchema>;
