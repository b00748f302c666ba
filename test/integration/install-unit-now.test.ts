// install-unit --enable / --now against a real systemd --user (systemctl enable --now semantics):
// --enable --now enables and starts, --now alone restarts an active unit, --enable alone only enables,
// and re-installing an unchanged unit skips daemon-reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';

const BIN = fileURLToPath(new URL('../../bin/hooksctl', import.meta.url));
const suffix = () => Math.random().toString(36).slice(2, 8);

// A free TCP port on 127.0.0.1.
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface InstallJson {
  ok: boolean;
  action: string;
  reloadNeeded: boolean;
  steps: string[];
}

describe('install-unit --enable/--now in a real systemd --user', () => {
  let sb: SystemdSandbox;
  beforeAll(async () => {
    sb = await startSystemd();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  // A config for a real `hooksctl serve` with no agents, and the install-unit runner for it.
  async function service(prefix: string) {
    const name = `${prefix}-${suffix()}`;
    const dir = join(sb.workDir, name);
    mkdirSync(join(dir, 'db'), { recursive: true });
    const config = join(dir, 'agents.json');
    writeFileSync(
      config,
      JSON.stringify({
        service: { name, port: await freePort(), db: './db/hooks.db' },
        shutdown: { drain_ms: 2000, abort_grace_ms: 1000, cleanup_ms: 1000, margin_ms: 1000 },
        unit: { watchdog_sec: null },
        pool: [],
      }),
    );
    const install = async (...flags: string[]) => {
      const r = await sb.run([
        process.execPath,
        BIN,
        'install-unit',
        '--user',
        '--no-catalog',
        '--no-analyze',
        '--json',
        '--config',
        config,
        ...flags,
      ]);
      expect(r.exitCode, `${String(r.stdout)}\n${String(r.stderr)}`).toBe(0);
      return JSON.parse(String(r.stdout)) as InstallJson;
    };
    const state = async () => ({
      enabled: String((await sb.systemctl('is-enabled', `${name}.service`)).stdout).trim(),
      active: String((await sb.systemctl('is-active', `${name}.service`)).stdout).trim(),
    });
    return { unit: `${name}.service`, install, state };
  }

  it('--enable --now enables and starts; unchanged re-install skips daemon-reload; --now alone restarts the active unit', async () => {
    const s = await service('hk-now');
    try {
      expect(await s.install('--enable', '--now')).toMatchObject({ ok: true, action: 'created', steps: ['daemon-reload', 'enable --now'] });
      expect(await s.state()).toEqual({ enabled: 'enabled', active: 'active' });

      expect(await s.install()).toMatchObject({ ok: true, action: 'unchanged', reloadNeeded: false, steps: [] });

      const before = (await sb.show(s.unit, ['MainPID'])).MainPID;
      expect(await s.install('--now')).toMatchObject({ ok: true, action: 'unchanged', steps: ['restart'] });
      const after = await sb.show(s.unit, ['MainPID', 'ActiveState']);
      expect(after.ActiveState).toBe('active');
      expect(after.MainPID).not.toBe(before);
    } finally {
      await sb.systemctl('disable', '--now', s.unit);
    }
  });

  it('--enable alone enables without starting; --now alone starts an inactive unit without enabling it', async () => {
    const enabled = await service('hk-en');
    expect(await enabled.install('--enable')).toMatchObject({ ok: true, steps: ['daemon-reload', 'enable'] });
    expect(await enabled.state()).toEqual({ enabled: 'enabled', active: 'inactive' });
    await sb.systemctl('disable', enabled.unit);

    const started = await service('hk-st');
    try {
      expect(await started.install('--now')).toMatchObject({ ok: true, steps: ['daemon-reload', 'restart'] });
      expect(await started.state()).toEqual({ enabled: 'disabled', active: 'active' });
    } finally {
      await sb.systemctl('stop', started.unit);
    }
  });
});
