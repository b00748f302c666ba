// install-unit and generated units against a real systemd --user and systemd-analyze in the sandbox:
// install + start the real `hooksctl serve` to active, verify/security of the default unit, and
// hostile paths and env values escaped so the service sees them byte for byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';
import { freePort } from '../harness/serve.js';
import { generateUnit } from '../../src/systemd/unit/generate.js';
import { parseConfig } from '../../src/config/load.js';
import { defaultConfig } from '../../src/config/defaults.js';

const BIN = fileURLToPath(new URL('../../bin/hooksctl', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/unit-argv-ready.mjs', import.meta.url));
const suffix = () => Math.random().toString(36).slice(2, 8);

// Poll until `check` is true or the deadline passes.
async function until(check: () => Promise<boolean>, ms = 30_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe('install-unit and generated units in a real systemd --user', () => {
  let sb: SystemdSandbox;
  beforeAll(async () => {
    sb = await startSystemd();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('install-unit --user writes, daemon-reloads, and systemctl --user start gets the real serve to active', async () => {
    const name = `hk-inst-${suffix()}`;
    const dir = join(sb.workDir, name);
    mkdirSync(dir, { recursive: true });
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
    mkdirSync(join(dir, 'db'));
    try {
      const install = await sb.run([process.execPath, BIN, 'install-unit', '--user', '--config', config]);
      expect(install.exitCode, `${String(install.stdout)}\n${String(install.stderr)}`).toBe(0);
      expect(String(install.stdout)).toContain(`installed ${join(sb.unitDir, `${name}.service`)} (user)`);
      expect(String(install.stdout)).toContain('ran systemctl daemon-reload');
      const text = readFileSync(join(sb.unitDir, `${name}.service`), 'utf8');
      expect(text).toContain(`ExecStart=${process.execPath} ${BIN} serve --config ${config}\n`);
      const start = await sb.systemctl('start', `${name}.service`);
      expect(start.exitCode, `${String(start.stderr)}\n${String((await sb.journalctl('-u', `${name}.service`, '-n', '30')).stdout)}`).toBe(
        0,
      );
      expect((await sb.show(`${name}.service`, ['ActiveState', 'Type', 'NotifyAccess', 'KillMode'])).ActiveState).toBe('active');
      expect(existsSync(join(dir, 'db/hooks.db'))).toBe(true);

      const again = await sb.run([process.execPath, BIN, 'install-unit', '--user', '--config', config, '--no-catalog']);
      expect(again.exitCode).toBe(0);
      expect(String(again.stdout)).toContain('(unchanged)');
    } finally {
      await sb.systemctl('stop', `${name}.service`);
    }
    expect(await until(async () => (await sb.show(`${name}.service`, ['ActiveState'])).ActiveState === 'inactive')).toBe(true);
  });

  it('install-unit refuses a unit with errors (exit 1) and writes nothing', async () => {
    const name = `hk-bad-${suffix()}`;
    const config = join(sb.workDir, `${name}.json`);
    writeFileSync(config, JSON.stringify({ service: { name }, unit: { timeout_stop_sec: '10s' } }));
    const r = await sb.run([process.execPath, BIN, 'install-unit', '--user', '--config', config]);
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toMatch(new RegExp(`${name}\\.service:\\d+: error \\[budget\\.plain\\]`));
    expect(existsSync(join(sb.unitDir, `${name}.service`))).toBe(false);
  });

  it('the default-config pair (.service and .socket) passes systemd-analyze --user verify with no warnings; process-mode exposure <= 2.5', async () => {
    const name = `hk-def-${suffix()}`;
    const cwd = join(sb.workDir, name);
    mkdirSync(cwd, { recursive: true });
    const dry = await sb.run([process.execPath, BIN, 'install-unit', '--user', '--dry-run', '--json', '--name', name], {
      cwd,
      env: { HOOKS_CONFIG: '' },
    });
    expect(dry.exitCode, String(dry.stderr)).toBe(0);
    expect(String(dry.stderr)).toBe('');
    const generated = JSON.parse(String(dry.stdout)) as { text: string; socket: { unit: string; text: string } };
    const file = join(cwd, `${name}.service`);
    writeFileSync(file, generated.text);
    writeFileSync(join(cwd, generated.socket.unit), generated.socket.text);
    const r = await sb.run([process.execPath, BIN, 'validate-unit', file, '--user', '--strict', '--json']);
    const report = JSON.parse(String(r.stdout)) as {
      ok: boolean;
      findings: unknown[];
      exposure: number;
      notes: string[];
      socket: { findings: unknown[]; notes: string[] };
    };
    expect(report.findings).toEqual([]);
    expect(report.notes).toContain('systemd-analyze verify: ran, 0 message(s)');
    expect(report.socket.findings).toEqual([]);
    expect(report.socket.notes).toContain('systemd-analyze verify: ran, 0 message(s)');
    expect(r.exitCode).toBe(0);
    expect(report.exposure).toBeLessThanOrEqual(2.5);
    console.log(`exposure (security --offline=yes), process mode, default config: ${report.exposure}`);
    // The stock command too (validate-unit folds verify in with --man=no): clean where the host
    // has the man page Documentation= names; otherwise that missing page is its only complaint.
    const plain = await sb.run(['systemd-analyze', '--user', 'verify', file]);
    const output = `${String(plain.stdout)}${String(plain.stderr)}`.trim();
    if ((await sb.run(['man', '-w', '5', 'systemd.service'])).exitCode === 0) {
      expect(plain.exitCode, output).toBe(0);
      expect(output).toBe('');
    } else {
      expect(output.split('\n').filter((l) => !/Command 'man systemd\.service\(5\)' failed/.test(l))).toEqual([]);
    }
  });

  it('reports the exposure a container-mode unit reaches', async () => {
    const name = `hk-ctr-${suffix()}`;
    const file = join(sb.workDir, `${name}.service`);
    const config = parseConfig(
      {
        ...defaultConfig(process.execPath),
        service: { ...defaultConfig(process.execPath).service, name, db: join(sb.workDir, name, 'hooks.db') },
        types: { claude: { mode: 'container', command: ['/bin/sh'], image: 'busybox', env: {} } },
        pool: [],
      },
      'test',
    );
    writeFileSync(
      file,
      generateUnit({
        config,
        configPath: join(sb.workDir, 'agents.json'),
        scope: 'user',
        execPath: process.execPath,
        entryPath: BIN,
        workingDirectory: sb.workDir,
      }),
    );
    const r = await sb.run([process.execPath, BIN, 'validate-unit', file, '--user', '--json']);
    const report = JSON.parse(String(r.stdout)) as { ok: boolean; exposure: number };
    expect(report.ok).toBe(true);
    expect(report.exposure).toBeGreaterThan(0);
    console.log(
      `exposure (security --offline=yes), container mode: ${report.exposure} (the docker socket is root-equivalent; the offline score cannot see that)`,
    );
  });

  it('hostile config path and env value reach the service byte for byte under the generated hardening', async () => {
    const name = `hk-esc-${suffix()}`;
    const dir = join(sb.workDir, `${name} odd 100% $HOME %n`);
    mkdirSync(dir, { recursive: true });
    const configPath = join(dir, `agents "q" 'a' \\b $$x %i.json`);
    writeFileSync(configPath, '{}');
    const dockerHost = `unix:///nowhere/%n $HOME "q" \\x; ExecStart=/bin/sh`;
    const base = parseConfig(defaultConfig(process.execPath), 'test');
    const config = { ...base, service: { ...base.service, name, db: join(dir, 'hooks.db') }, unit: { ...base.unit, watchdog_sec: null } };
    const text = generateUnit({
      config,
      configPath,
      scope: 'user',
      execPath: process.execPath,
      entryPath: FIXTURE,
      workingDirectory: sb.workDir,
      environment: { DOCKER_HOST: dockerHost },
    });
    await sb.installUnit(`${name}.service`, text);
    try {
      const start = await sb.systemctl('start', `${name}.service`);
      expect(start.exitCode, `${String(start.stderr)}\n${String((await sb.journalctl('-u', `${name}.service`, '-n', '30')).stdout)}`).toBe(
        0,
      );
      const seen = JSON.parse(readFileSync(join(dir, 'seen.json'), 'utf8')) as { argv: string[]; dockerHost: string };
      expect(seen).toEqual({ argv: [FIXTURE, 'serve', '--config', configPath], dockerHost });
    } finally {
      await sb.systemctl('stop', `${name}.service`);
    }
  });
});
