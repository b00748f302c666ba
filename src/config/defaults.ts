/**
 * Built-in defaults. They work out of the box: the default `dev` type runs the example
 * echo agent shipped with the package, so `hooksctl serve` plus a POST to /task works.
 */
import { fileURLToPath } from 'node:url';
import { packageFile } from '../package-root.js';

/**
 * The default lease of a claim on a shared store, and how often its host renews it
 * (`service.lease_ms`, `service.lease_renew_ms`).
 */
export const LEASE_DEFAULTS = { leaseMs: 20_000, renewMs: 5_000 } as const;

/** Absolute path of the example echo agent shipped in `examples/`. */
export function exampleAgentPath(): string {
  return fileURLToPath(packageFile('examples/echo-agent.mjs'));
}

/** The built-in config, before a file is merged over it. `execPath` is the node binary. */
export function defaultConfig(execPath: string) {
  return {
    service: {
      name: 'claude-hooks',
      host: '127.0.0.1',
      port: 8787,
      db: './data/hooks.db',
      token_env: 'HOOKS_TOKEN',
      webhook_secret_env: 'HOOKS_WEBHOOK_SECRET',
      lease_ms: LEASE_DEFAULTS.leaseMs,
      lease_renew_ms: LEASE_DEFAULTS.renewMs,
    },
    shutdown: {
      drain_ms: 60000,
      abort_grace_ms: 5000,
      cleanup_ms: 5000,
      margin_ms: 5000,
      extend: false,
      max_drain_ms: 600000,
      requeue: true,
      intake: 'queue' as 'queue' | 'refuse',
      max_attempts: 3,
    },
    unit: {
      timeout_stop_sec: null,
      kill_mode: 'mixed',
      watchdog_sec: '30s',
      restart: 'on-failure',
      hardening: true,
      containers_down_on_stop: false,
      socket_activation: true,
      listen_unix: null,
    },
    types: { dev: { mode: 'process', command: [execPath, exampleAgentPath()], image: null, env: {} } },
    pool: [{ name: 'dev-2', type: 'dev' }],
  } as const;
}
