/**
 * Helpers for container integration tests: a temporary agents.json for a uniquely named
 * service (so concurrent runs never collide), the instances it declares, the engine's view of
 * one container, and polling.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { listInstances, type AgentInstance } from '../../src/config/instances.js';
import { loadConfig } from '../../src/config/load.js';
import { afterAll, beforeAll } from 'vitest';
import { BUSYBOX_IMAGE, startDocker, type DockerSandbox } from './docker.js';

/** A temporary config for one uniquely named service. */
export interface TestFleet {
  /** The service name (`hk<random>`). */
  serviceName: string;
  /** Path of the agents.json. */
  configPath: string;
  /** Write the config with these types, pool and extra sections (`service` is merged); returns its instances. */
  write(
    types: Record<string, unknown>,
    pool?: { name: string; type: string; host?: string }[],
    extra?: { service?: Record<string, unknown>; [section: string]: unknown },
  ): AgentInstance[];
  /** Remove the temporary directory. */
  cleanup(): void;
}

/** A container-mode busybox type (no network, as the test engine has no bridge). */
export function busyboxType(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { mode: 'container', command: ['cat'], image: BUSYBOX_IMAGE, env: { AGENT_FLAVOUR: 'plain' }, network: 'none', ...over };
}

/** Create a fleet with a random service name. */
export function makeFleet(): TestFleet {
  const dir = mkdtempSync(join(tmpdir(), 'hooks-fleet-'));
  const serviceName = `hk${randomBytes(4).toString('hex')}`;
  const configPath = join(dir, 'agents.json');
  return {
    serviceName,
    configPath,
    write(types, pool = [], extra = {}) {
      const service = { name: serviceName, db: join(dir, 'hooks.db'), ...extra.service };
      writeFileSync(configPath, JSON.stringify({ ...extra, service, types, pool }));
      return listInstances(loadConfig({ flag: configPath, env: {}, cwd: dir, execPath: process.execPath }).config);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The engine's view of one container: ID, StartedAt and whether it runs (null when absent). */
export async function containerState(dk: DockerSandbox, name: string): Promise<{ id: string; startedAt: string; running: boolean } | null> {
  const r = await dk.docker(['inspect', '--type', 'container', '--format', '{{json .}}', name]);
  if (r.exitCode !== 0) return null;
  const o = JSON.parse(String(r.stdout)) as { Id: string; State: { StartedAt: string; Running: boolean } };
  return { id: o.Id, startedAt: o.State.StartedAt, running: o.State.Running };
}

/** Poll `check` every 100 ms until it is true; throws naming `what` after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Run `fn` with a fresh {@link makeFleet}, always removing its directory afterwards. */
export async function withFleet<T>(fn: (fleet: TestFleet) => Promise<T>): Promise<T> {
  const fleet = makeFleet();
  try {
    return await fn(fleet);
  } finally {
    fleet.cleanup();
  }
}

/** A private engine and a fleet shared by one test file (set up in beforeAll, torn down in afterAll). */
export interface DockerFleet {
  /** The engine (valid once beforeAll ran). */
  readonly dk: DockerSandbox;
  /** The fleet (valid once beforeAll ran). */
  readonly fleet: TestFleet;
  /** The env for running bin/hooksctl against the engine: PATH, DOCKER_HOST, HOOKS_CONTAINER_ENGINE. */
  cliEnv(extra?: Record<string, string>): Record<string, string>;
}

/** Register beforeAll/afterAll hooks that start a private dockerd and a fleet, and always clean up. */
export function useDockerFleet(): DockerFleet {
  let dk: DockerSandbox | undefined;
  let fleet: TestFleet | undefined;
  beforeAll(async () => {
    dk = await startDocker();
    fleet = makeFleet();
  });
  afterAll(async () => {
    fleet?.cleanup();
    await dk?.stop();
  });
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useDockerFleet: used before beforeAll');
    return value;
  };
  return {
    get dk() {
      return need(dk);
    },
    get fleet() {
      return need(fleet);
    },
    cliEnv: (extra = {}) => ({
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      ...need(dk).env,
      HOOKS_CONTAINER_ENGINE: need(dk).bin,
      HOOKS_CONFIG: '',
      ...extra,
    }),
  };
}
