/**
 * Helpers for end-to-end tests of `hooksctl serve` under the real systemd sandbox:
 * a test config, a free port, HTTP calls, polling, and install-unit run inside the namespace.
 */
import { createServer } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SystemdSandbox } from './systemd.js';

/** The built CLI. */
export const BIN = fileURLToPath(new URL('../../bin/hooksctl', import.meta.url));
/** The example echo agent. */
export const ECHO_AGENT = fileURLToPath(new URL('../../examples/echo-agent.mjs', import.meta.url));

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** A unique service name for one test. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Write a config file for a test service in `dir`; returns its path. */
export function writeServeConfig(dir: string, overrides: Record<string, unknown>): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'agents.json');
  writeFileSync(path, JSON.stringify(overrides, null, 2));
  return path;
}

/** A tiny JSON HTTP client for one service. */
export function client(port: number) {
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    async post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
      const r = await fetch(`${base}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      return { status: r.status, json: (await r.json().catch(() => ({}))) as Record<string, unknown> };
    },
    async get(path: string): Promise<{ status: number; json: Record<string, unknown> }> {
      const r = await fetch(`${base}${path}`);
      return { status: r.status, json: (await r.json().catch(() => ({}))) as Record<string, unknown> };
    },
    async task(id: string): Promise<Record<string, unknown>> {
      return (await this.get(`/tasks/${id}`)).json;
    },
  };
}

/** Poll `check` until it returns a truthy value or `timeoutMs` passes (then throw with `what`). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await sleep(everyMs);
  }
}

/** Poll GET /tasks/:id on `http` until the task is in `status` (and `also` holds of it); returns the row. */
export function waitForTask(
  http: ReturnType<typeof client>,
  id: string,
  status: string,
  options: { timeoutMs?: number; everyMs?: number; also?: (task: Record<string, unknown>) => boolean } = {},
): Promise<Record<string, unknown>> {
  return waitFor(
    `task ${id} to be ${status}`,
    async () => {
      const t = await http.task(id);
      return t['status'] === status && (options.also?.(t) ?? true) ? t : undefined;
    },
    options.timeoutMs,
    options.everyMs,
  );
}

/** Run `hooksctl install-unit --user --config <cfg>` inside the sandbox; throws with its output on failure. */
export async function installUnit(sb: SystemdSandbox, configPath: string, extra: string[] = []): Promise<string> {
  const r = await sb.run([process.execPath, BIN, 'install-unit', '--user', '--config', configPath, ...extra]);
  if (r.exitCode !== 0) throw new Error(`install-unit failed (${r.exitCode}): ${String(r.stdout)}\n${String(r.stderr)}`);
  return String(r.stdout);
}

/** A service deployed in the sandbox by {@link deployService}. */
export interface Deployed {
  name: string;
  unit: string;
  port: number;
  dir: string;
  db: string;
  http: ReturnType<typeof client>;
}

/** Write a config (name, port and db filled in), `install-unit --user` it and start it. The db directory is the only one the hardened unit may write. */
export async function deployService(
  sb: SystemdSandbox,
  prefix: string,
  configFor: Record<string, unknown> | ((paths: { name: string; dataDir: string }) => Record<string, unknown>),
): Promise<Deployed> {
  const name = uniqueName(prefix);
  const port = await freePort();
  const dir = join(sb.workDir, name);
  const db = join(dir, 'data/hooks.db');
  const config = typeof configFor === 'function' ? configFor({ name, dataDir: join(dir, 'data') }) : configFor;
  const service = { ...(config['service'] as Record<string, unknown> | undefined), name, port, db };
  const cfg = writeServeConfig(dir, { ...config, service });
  await installUnit(sb, cfg);
  const unit = `${name}.service`;
  const start = await sb.systemctl('start', unit);
  if (start.exitCode !== 0) throw new Error(`systemctl start ${unit} failed: ${String(start.stderr)}`);
  return { name, unit, port, dir, db, http: client(port) };
}
