// The container verbs as systemd runs them: the built bin/hooksctl against a real dockerd.
// The restart scenario end to end, --dry-run, --json, partial failure, engine down or missing.
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { busyboxType, containerState, useDockerFleet } from '../harness/fleet.js';

const BIN = fileURLToPath(new URL('../../bin/hooksctl', import.meta.url));
const ctx = useDockerFleet();

// Run the CLI with the test engine (or overrides) and the fleet's config.
function hooksctl(args: string[], env: Record<string, string> = {}) {
  return execa(BIN, [...args, '--config', ctx.fleet.configPath], {
    reject: false,
    cwd: tmpdir(),
    env: ctx.cliEnv(env),
    extendEnv: false,
  });
}
const managed = async () =>
  String((await ctx.dk.docker(['ps', '-aq', '--filter', `label=hooksctl.service=${ctx.fleet.serviceName}`])).stdout)
    .split('\n')
    .filter(Boolean);

describe('hooksctl agents-sync / containers-down', () => {
  it('the engine down or missing exits 69 naming the socket, and changes nothing', async () => {
    ctx.fleet.write({ bb: busyboxType() }, [{ name: 'bb-2', type: 'bb' }]);
    const dir = mkdtempSync(join(tmpdir(), 'hooks-nosock-'));
    try {
      const dead = `unix://${join(dir, 'docker.sock')}`;
      const down = await hooksctl(['agents-sync'], { DOCKER_HOST: dead });
      expect(down.exitCode).toBe(69);
      expect(down.stderr).toContain(dead);
      expect(down.stderr).toContain('hooks.containers.engine_unavailable');
      const missing = await hooksctl(['agents-sync', '--json'], { HOOKS_CONTAINER_ENGINE: join(dir, 'no-docker-here') });
      expect(missing.exitCode).toBe(69);
      expect(JSON.parse(missing.stderr).error).toMatchObject({
        code: 'hooks.containers.engine_unavailable',
        details: { host: ctx.dk.host, spawnCode: 'ENOENT' },
      });
      expect(missing.stdout).toBe('');
      const stop = await hooksctl(['containers-down'], { DOCKER_HOST: dead });
      expect(stop.exitCode).toBe(69);
      expect(await managed()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--dry-run plans without creating; then created, unchanged, and the restart scenario: down, then sync starts all', async () => {
    ctx.fleet.write({ bb: busyboxType() }, [
      { name: 'bb-2', type: 'bb' },
      { name: 'bb-3', type: 'bb' },
    ]);
    const s = ctx.fleet.serviceName;
    const dry = await hooksctl(['agents-sync', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout.split('\n')).toEqual([`bb-default ${s}-bb-default created`, `bb-2 ${s}-bb-2 created`, `bb-3 ${s}-bb-3 created`]);
    expect(await managed()).toEqual([]);

    const created = await hooksctl(['agents-sync']);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout.split('\n')).toEqual([`bb-default ${s}-bb-default created`, `bb-2 ${s}-bb-2 created`, `bb-3 ${s}-bb-3 created`]);
    const before = await containerState(ctx.dk, `${s}-bb-3`);

    const again = await hooksctl(['agents-sync', '--json']);
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(
      ['bb-default', 'bb-2', 'bb-3'].map((i) => ({ instance: i, container: `${s}-${i}`, action: 'unchanged' })),
    );
    expect(await containerState(ctx.dk, `${s}-bb-3`)).toEqual(before);

    const down = await hooksctl(['containers-down', '--timeout', '1', '--json']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout)).toEqual(
      ['bb-default', 'bb-2', 'bb-3'].map((i) => ({ instance: i, container: `${s}-${i}`, action: 'stopped' })),
    );
    for (const i of ['bb-default', 'bb-2', 'bb-3']) expect((await containerState(ctx.dk, `${s}-${i}`))?.running).toBe(false);
    const downAgain = await hooksctl(['containers-down', '--timeout', '1']);
    expect(downAgain.stdout).toContain(`bb-2 ${s}-bb-2 already-stopped`);

    const back = await hooksctl(['agents-sync']);
    expect(back.exitCode, back.stderr).toBe(0);
    expect(back.stdout.split('\n')).toEqual([`bb-default ${s}-bb-default started`, `bb-2 ${s}-bb-2 started`, `bb-3 ${s}-bb-3 started`]);
    for (const i of ['bb-default', 'bb-2', 'bb-3']) expect((await containerState(ctx.dk, `${s}-${i}`))?.running).toBe(true);
  });

  it('exits 1 when one instance fails, after converging the others (continuing the fleet above)', async () => {
    ctx.fleet.write({ bb: busyboxType(), bad: busyboxType({ network: 'hooks-no-such-network' }) }, [{ name: 'bb-2', type: 'bb' }]);
    const r = await hooksctl(['agents-sync', '--json']);
    expect(r.exitCode).toBe(1);
    const rows = JSON.parse(r.stdout) as { instance: string; action: string; error?: string }[];
    expect(rows.find((x) => x.instance === 'bad-default')).toMatchObject({
      action: 'created',
      error: expect.stringContaining('hooks-no-such-network'),
    });
    expect(rows.filter((x) => x.error === undefined).map((x) => `${x.instance} ${x.action}`)).toEqual([
      'bb-default unchanged',
      'bb-2 unchanged',
      'bb-3 removed',
    ]);
    expect(await containerState(ctx.dk, `${ctx.fleet.serviceName}-bb-3`)).toBeNull();
  });

  it('with HOOKS_CONTAINER_ENGINE unset, `docker` from PATH is used (the client negotiates the API with the engine)', async () => {
    ctx.fleet.write({ bb: busyboxType() }, [{ name: 'bb-2', type: 'bb' }]);
    const r = await hooksctl(['agents-sync', '--json'], { HOOKS_CONTAINER_ENGINE: '' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { action: string }[]).map((x) => x.action)).toEqual(['unchanged', 'unchanged', 'removed']);
  });

  it('each host reconciles and stops only its own instances on a shared engine, and says which it left alone', async () => {
    const s = ctx.fleet.serviceName;
    const pool = [
      { name: 'bb-a', type: 'bb', host: 'host-a' },
      { name: 'bb-b', type: 'bb', host: 'host-b' },
    ];
    const asHost = (host: string) => ctx.fleet.write({ bb: busyboxType() }, pool, { service: { host_id: host } });
    asHost('host-b');
    const onB = await hooksctl(['agents-sync']);
    expect(onB.exitCode, onB.stderr).toBe(0);
    expect(onB.stdout.split('\n')).toEqual([
      `bb-default ${s}-bb-default unchanged`,
      `bb-b ${s}-bb-b created`,
      `bb-2 ${s}-bb-2 removed`,
      `bb-a ${s}-bb-a other-host host-a`,
      '1 instance on other hosts left alone: host-a',
    ]);
    asHost('host-a');
    const bBefore = await containerState(ctx.dk, `${s}-bb-b`);
    const onA = await hooksctl(['agents-sync', '--json']);
    expect(onA.exitCode, onA.stderr).toBe(0);
    expect(JSON.parse(onA.stdout)).toEqual([
      { instance: 'bb-default', container: `${s}-bb-default`, action: 'unchanged' },
      { instance: 'bb-a', container: `${s}-bb-a`, action: 'created' },
      { instance: 'bb-b', container: `${s}-bb-b`, action: 'other-host', host: 'host-b' },
    ]);
    // Host B's container was not removed as "no longer desired": it is B's.
    expect(await containerState(ctx.dk, `${s}-bb-b`)).toEqual(bBefore);
    const down = await hooksctl(['containers-down', '--timeout', '1']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stdout.split('\n')).toEqual([
      `bb-default ${s}-bb-default stopped`,
      `bb-a ${s}-bb-a stopped`,
      `bb-b ${s}-bb-b other-host host-b`,
      '1 instance on other hosts left alone: host-b',
    ]);
    expect((await containerState(ctx.dk, `${s}-bb-b`))?.running).toBe(true);
  });

  it('--timeout must be whole seconds (exit 2 naming the option)', async () => {
    const r = await hooksctl(['containers-down', '--timeout', 'soon']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('`--timeout`');
  });
});
