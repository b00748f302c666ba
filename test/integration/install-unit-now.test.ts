// install-unit --enable / --now against a real systemd --user (systemctl enable --now semantics):
// --enable --now enables and starts, --now alone restarts an active unit, --enable alone only enables,
// and re-installing an unchanged unit skips daemon-reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';
import { freePort } from '../harness/serve.js';

const BIN = fileURLToPath(new URL('../../bin/hooksctl', import.meta.url));
const suffix = () => Math.random().toString(36).slice(2, 8);

interface InstallJson {
  ok: boolean;
  action: string;
  reloadNeeded: boolean;
  steps: string[];
  socket: unknown;
  staleSocket: unknown;
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
  async function service(prefix: string, unit: Record<string, unknown> = {}) {
    const name = `${prefix}-${suffix()}`;
    const dir = join(sb.workDir, name);
    mkdirSync(join(dir, 'db'), { recursive: true });
    const config = join(dir, 'agents.json');
    writeFileSync(
      config,
      JSON.stringify({
        service: { name, port: await freePort(), db: './db/hooks.db' },
        shutdown: { drain_ms: 2000, abort_grace_ms: 1000, cleanup_ms: 1000, margin_ms: 1000 },
        unit: { watchdog_sec: null, ...unit },
        pool: [],
      }),
    );
    const reconfigure = (more: Record<string, unknown>) => {
      const value = JSON.parse(readFileSync(config, 'utf8')) as { unit: Record<string, unknown> };
      writeFileSync(config, JSON.stringify({ ...value, unit: { ...value.unit, ...more } }));
    };
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
    const state = async (unit = `${name}.service`) => ({
      enabled: String((await sb.systemctl('is-enabled', unit)).stdout).trim(),
      active: String((await sb.systemctl('is-active', unit)).stdout).trim(),
    });
    return { unit: `${name}.service`, socket: `${name}.socket`, install, state, reconfigure };
  }

  it('--enable --now enables and starts; unchanged re-install skips daemon-reload; --now alone restarts the active unit', async () => {
    const s = await service('hk-now');
    try {
      expect(await s.install('--enable', '--now')).toMatchObject({ ok: true, action: 'created', steps: ['daemon-reload', 'enable --now'] });
      expect(await s.state()).toEqual({ enabled: 'enabled', active: 'active' });
      expect(await s.state(s.socket)).toEqual({ enabled: 'enabled', active: 'active' });

      expect(await s.install()).toMatchObject({ ok: true, action: 'unchanged', reloadNeeded: false, steps: [] });

      const before = (await sb.show(s.unit, ['MainPID'])).MainPID;
      expect(await s.install('--now')).toMatchObject({ ok: true, action: 'unchanged', steps: [`start ${s.socket}`, 'restart'] });
      const after = await sb.show(s.unit, ['MainPID', 'ActiveState']);
      expect(after.ActiveState).toBe('active');
      expect(after.MainPID).not.toBe(before);
    } finally {
      await sb.systemctl('disable', '--now', s.socket, s.unit);
    }
  });

  it('--enable alone enables without starting; --now alone starts an inactive unit without enabling it', async () => {
    const enabled = await service('hk-en');
    expect(await enabled.install('--enable')).toMatchObject({ ok: true, steps: ['daemon-reload', 'enable'] });
    expect(await enabled.state()).toEqual({ enabled: 'enabled', active: 'inactive' });
    expect(await enabled.state(enabled.socket)).toEqual({ enabled: 'enabled', active: 'inactive' });
    await sb.systemctl('disable', enabled.socket, enabled.unit);

    const started = await service('hk-st');
    try {
      expect(await started.install('--now')).toMatchObject({ ok: true, steps: ['daemon-reload', `start ${started.socket}`, 'restart'] });
      expect(await started.state()).toEqual({ enabled: 'disabled', active: 'active' });
      expect(await started.state(started.socket)).toEqual({ enabled: 'disabled', active: 'active' });
    } finally {
      await sb.systemctl('stop', started.socket, started.unit);
    }
  });

  it('turning socket activation on for a running single-unit service hands the port over to the socket (--enable --now)', async () => {
    const s = await service('hk-up', { socket_activation: false });
    try {
      expect(await s.install('--enable', '--now')).toMatchObject({ ok: true, socket: null });
      expect((await s.state()).active).toBe('active');
      s.reconfigure({ socket_activation: true });
      const on = await s.install('--enable', '--now');
      expect(on).toMatchObject({ ok: true, action: 'replaced', steps: ['daemon-reload', `stop ${s.unit}`, 'enable --now'] });
      expect(await s.state(s.socket)).toEqual({ enabled: 'enabled', active: 'active' });
      expect((await s.state()).active).toBe('active');
      const main = (await sb.show(s.unit, ['MainPID'])).MainPID;
      expect(readlinkSync(`/proc/${main}/fd/3`)).toMatch(/^socket:/);
    } finally {
      await sb.systemctl('disable', '--now', s.socket, s.unit);
    }
  });

  it('turning socket activation off without --now: the stale socket goes, the running service keeps its listener until restarted', async () => {
    const s = await service('hk-stale2');
    try {
      expect(await s.install('--enable', '--now')).toMatchObject({ ok: true });
      const before = (await sb.show(s.unit, ['MainPID'])).MainPID;
      s.reconfigure({ socket_activation: false });
      expect(await s.install()).toMatchObject({
        ok: true,
        steps: [`disable --now ${s.socket}`, 'daemon-reload'],
        staleSocket: { removed: true },
      });
      expect(existsSync(join(sb.unitDir, s.socket))).toBe(false);
      expect((await sb.show(s.socket, ['ActiveState'])).ActiveState).not.toBe('active');
      expect(await sb.show(s.unit, ['MainPID', 'ActiveState'])).toMatchObject({ MainPID: before, ActiveState: 'active' });
      // The next restart binds the port itself: the old instance closed its copy of the listener first.
      expect((await sb.systemctl('restart', s.unit)).exitCode).toBe(0);
      expect((await s.state()).active).toBe('active');
    } finally {
      await sb.systemctl('disable', '--now', s.unit);
    }
  });

  it('turning socket activation off stops, disables and removes the stale socket, and the service binds the port itself', async () => {
    const s = await service('hk-stale');
    try {
      expect(await s.install('--enable', '--now')).toMatchObject({ ok: true });
      expect(await s.state(s.socket)).toEqual({ enabled: 'enabled', active: 'active' });
      s.reconfigure({ socket_activation: false });
      const off = await s.install('--now');
      expect(off).toMatchObject({
        ok: true,
        action: 'replaced',
        steps: [`disable --now ${s.socket}`, 'daemon-reload', 'restart'],
        socket: null,
        staleSocket: { unit: join(sb.unitDir, s.socket), ours: true, removed: true },
      });
      expect(existsSync(join(sb.unitDir, s.socket))).toBe(false);
      expect((await s.state()).active).toBe('active');
      expect((await sb.show(s.socket, ['ActiveState'])).ActiveState).not.toBe('active');
      // No inherited listener: the service's fd table holds its own bound socket (serve logs no adoption).
      const main = (await sb.show(s.unit, ['MainPID'])).MainPID;
      const entries = await sb.journal([`_PID=${main}`]);
      expect(entries.some((e) => String(e['MESSAGE']).startsWith('ready: listening on'))).toBe(true);
      expect(entries.some((e) => String(e['MESSAGE']).startsWith('socket activation:'))).toBe(false);
    } finally {
      await sb.systemctl('disable', '--now', s.unit);
    }
  });
});
