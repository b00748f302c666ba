/**
 * `hooksctl serve` as a plain child process (no systemd), for tests of several hosts on one
 * machine: its output is collected in `log`, and {@link startServeProcess} waits for /healthz.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { BIN, client, freePort, waitFor, writeServeConfig } from './serve.js';

/** One serve host. */
export interface ServeHost {
  /** Its `service.host_id`. */
  id: string;
  /** Its HTTP port. */
  port: number;
  /** Its config file. */
  config: string;
  /** The running process, once started. */
  proc: ChildProcess | undefined;
  /** Everything it wrote on stdout and stderr (clear it to look for what comes next). */
  log: string;
  /** An HTTP client for it. */
  http: ReturnType<typeof client>;
}

/** A host not started yet. */
export function serveHost(id: string, port: number, config: string): ServeHost {
  return { id, port, config, proc: undefined, log: '', http: client(port) };
}

/** Spawn `hooksctl serve --config` for `host` and wait until its /healthz answers 200. */
export async function startServeProcess(host: ServeHost, timeoutMs = 30_000): Promise<void> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--config', host.config], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOOKS_CONFIG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  host.proc = proc;
  proc.stdout?.on('data', (c: Buffer) => (host.log += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (host.log += c.toString()));
  await waitFor(`host ${host.id} to answer /healthz\n${host.log}`, async () => (await host.http.get('/healthz')).status === 200, timeoutMs);
}

/** True while the host's process has not exited. */
export function isRunning(host: ServeHost): boolean {
  return host.proc !== undefined && host.proc.exitCode === null && host.proc.signalCode === null;
}

/** What {@link startHostPair} sets up. */
export interface HostPairOptions {
  /** Where each host's config goes (`DIR/host-a`, `DIR/host-b`). */
  dir: string;
  /** The service name prefix (`PREFIX-host-a`). */
  prefix: string;
  /** Each host's `service.db`. */
  db: { 'host-a': string; 'host-b': string };
  /** The process-mode agent that instance `on-b` (of host B) runs. */
  agent: string;
  /** More `service` keys (the lease). */
  service?: Record<string, unknown>;
}

/** Hosts `host-a` and `host-b` sharing one pool (`on-b`, on host B), started in that order; returns [A, B]. */
export async function startHostPair(options: HostPairOptions): Promise<[ServeHost, ServeHost]> {
  const hosts: ServeHost[] = [];
  for (const id of ['host-a', 'host-b'] as const) {
    const port = await freePort();
    const config = writeServeConfig(join(options.dir, id), {
      service: { name: `${options.prefix}-${id}`, port, db: options.db[id], host_id: id, ...options.service },
      types: { work: { mode: 'process', command: [process.execPath, options.agent] } },
      pool: [{ name: 'on-b', type: 'work', host: 'host-b' }],
      shutdown: { drain_ms: 1000, max_attempts: 3 },
    });
    const host = serveHost(id, port, config);
    hosts.push(host);
    await startServeProcess(host);
  }
  return hosts as [ServeHost, ServeHost];
}
