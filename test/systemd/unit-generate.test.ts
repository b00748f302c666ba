// The generator: the default unit byte for byte, container mode, hardening, and hostile values escaped or rejected.
import { describe, expect, it } from 'vitest';
import { AGENT_KEY_DEFAULTS } from '../../src/config/agent-keys.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { parseExecLine } from '../../src/systemd/unit/exec-line.js';
import { lastValue, listValues, parseUnit } from '../../src/systemd/unit/file.js';
import { generateUnit, type GenerateUnitOptions } from '../../src/systemd/unit/generate.js';
import { validateUnitText } from '../../src/systemd/unit/validate-text.js';
import { budgetFromConfig } from '../../src/shutdown/budget.js';

const NODE = '/usr/bin/node';
// Fixed paths (not the checkout's, which may live in /tmp and change the PrivateTmp= decision).
const base = (): Config => {
  const config = parseConfig(defaultConfig(NODE), 'test');
  return {
    ...config,
    service: { ...config.service, db: '/srv/hooks/data/hooks.db' },
    types: { dev: { ...config.types['dev']!, command: [NODE, '/opt/hooksctl/examples/echo-agent.mjs'] } },
  };
};
const opts = (config: Config, more: Partial<GenerateUnitOptions> = {}): GenerateUnitOptions => ({
  config,
  configPath: '/etc/hooks/agents.json',
  scope: 'user',
  execPath: NODE,
  entryPath: '/opt/hooksctl/bin/hooksctl',
  workingDirectory: '/home/op',
  ...more,
});
const container = (config: Config): Config => ({
  ...config,
  types: {
    ...config.types,
    claude: { ...AGENT_KEY_DEFAULTS, mode: 'container', command: ['/bin/sh'], image: 'busybox', env: {}, mounts: [], network: null },
  },
});
const get = (text: string, key: string) => lastValue(parseUnit(text), 'Service', key)?.value;

describe('generateUnit', () => {
  it('makes a Type=notify unit with NotifyAccess=main and hooksctl serve --config', () => {
    const text = generateUnit(opts(base()));
    expect(get(text, 'Type')).toBe('notify');
    expect(get(text, 'NotifyAccess')).toBe('main');
    expect(get(text, 'ExecStart')).toBe('/usr/bin/node /opt/hooksctl/bin/hooksctl serve --config /etc/hooks/agents.json');
    expect(get(text, 'KillMode')).toBe('mixed');
    expect(get(text, 'TimeoutStopSec')).toBe('1min 15s');
    expect(get(text, 'WatchdogSec')).toBe('30s');
    expect(get(text, 'Restart')).toBe('on-failure');
    expect(get(text, 'RestartSec')).toBe('2s');
    expect(get(text, 'WorkingDirectory')).toBeUndefined();
    expect(get(text, 'ReadWritePaths')).toBe('/srv/hooks/data');
    expect(get(text, 'MemoryDenyWriteExecute')).toBeUndefined();
    expect(get(text, 'ExecStartPre')).toBeUndefined();
    expect(get(text, 'ExecStopPost')).toBeUndefined();
    expect(lastValue(parseUnit(text), 'Install', 'WantedBy')?.value).toBe('default.target');
  });

  it('passes every validator rule for the default config, user and system', () => {
    for (const scope of ['user', 'system'] as const) {
      const config = base();
      expect(validateUnitText(generateUnit(opts(config, { scope })), { scope, budget: budgetFromConfig(config.shutdown) })).toEqual([]);
    }
  });

  it('targets multi-user.target for --system', () => {
    expect(lastValue(parseUnit(generateUnit(opts(base(), { scope: 'system' }))), 'Install', 'WantedBy')?.value).toBe('multi-user.target');
  });

  it('sets WorkingDirectory= when there is no config file', () => {
    const text = generateUnit(opts(base(), { configPath: null }));
    expect(get(text, 'ExecStart')).toBe('/usr/bin/node /opt/hooksctl/bin/hooksctl serve');
    expect(get(text, 'WorkingDirectory')).toBe('/home/op');
  });

  it('container mode: ExecStartPre agents-sync, the docker socket writable, no ExecStopPost by default', () => {
    const text = generateUnit(opts(container(base()), { environment: { DOCKER_HOST: 'unix:///run/user/0/docker.sock' } }));
    expect(get(text, 'ExecStartPre')).toBe('/usr/bin/node /opt/hooksctl/bin/hooksctl agents-sync --config /etc/hooks/agents.json');
    expect(get(text, 'ExecStopPost')).toBeUndefined();
    expect(get(text, 'ReadWritePaths')).toBe('/srv/hooks/data -/run/user/0/docker.sock');
    expect(get(text, 'Environment')).toBe('"DOCKER_HOST=unix:///run/user/0/docker.sock"');
  });

  it('adds ExecStopPost containers-down only when unit.containers_down_on_stop is true', () => {
    const config = container(base());
    const text = generateUnit(opts({ ...config, unit: { ...config.unit, containers_down_on_stop: true } }));
    expect(get(text, 'ExecStopPost')).toBe('/usr/bin/node /opt/hooksctl/bin/hooksctl containers-down --config /etc/hooks/agents.json');
  });

  it('takes KillMode, TimeoutStopSec and WatchdogSec from config, and drops hardening when off', () => {
    const config = base();
    const text = generateUnit(
      opts({
        ...config,
        unit: { ...config.unit, kill_mode: 'process', timeout_stop_sec: 100, watchdog_sec: null, hardening: false, restart: 'always' },
      }),
    );
    expect([
      get(text, 'KillMode'),
      get(text, 'TimeoutStopSec'),
      get(text, 'WatchdogSec'),
      get(text, 'Restart'),
      get(text, 'ProtectSystem'),
    ]).toEqual(['process', '1min 40s', undefined, 'always', undefined]);
  });

  it('escapes hostile paths so the Exec line reads back exactly', () => {
    const configPath = '/srv/my conf/100% "$HOME"\\x/agents.json';
    const text = generateUnit(opts(base(), { configPath }));
    const parsed = parseExecLine(get(text, 'ExecStart') ?? '');
    expect(parsed).toEqual({ prefixes: '', argv: [NODE, '/opt/hooksctl/bin/hooksctl', 'serve', '--config', configPath] });
    expect(parseUnit(text).entries.filter((e) => e.kind === 'invalid')).toEqual([]);
  });

  it('escapes % in the db directory and quotes spaces in ReadWritePaths', () => {
    const config = base();
    const text = generateUnit(opts({ ...config, service: { ...config.service, db: '/srv/a b/100%/hooks.db' } }));
    expect(get(text, 'ReadWritePaths')).toBe('"/srv/a b/100%%"');
  });

  it.each([
    ['config path', { configPath: '/etc/x\n[Service]\nExecStartPre=/bin/rm -rf /' }],
    ['entry path', { entryPath: '/opt/x\nUser=root' }],
    ['node path', { execPath: 'node' }],
    ['working directory', { configPath: null, workingDirectory: '/home/a\nb' }],
    ['working directory quote', { configPath: null, workingDirectory: '/home/"a' }],
    ['environment value', { environment: { DOCKER_HOST: 'unix:///x\nExecStart=/bin/sh' } }],
    ['environment name', { environment: { 'A B': 'x' } }],
  ])('rejects a newline or unsafe %s with exit 78', (_what, more) => {
    expect(() => generateUnit(opts(container(base()), more))).toThrow(
      expect.objectContaining({ code: 'hooks.unit.unsafe_value', exitCode: 78 }),
    );
  });

  it('rejects a db path with a newline (no injected ReadWritePaths line)', () => {
    const config = base();
    expect(() => generateUnit(opts({ ...config, service: { ...config.service, db: '/srv/x\nExecStart=/bin/sh/hooks.db' } }))).toThrow(
      expect.objectContaining({ code: 'hooks.unit.unsafe_value', exitCode: 78 }),
    );
  });

  it('writes exactly one ExecStart', () => {
    expect(listValues(parseUnit(generateUnit(opts(container(base())))), 'Service', 'ExecStart')).toHaveLength(1);
  });
});

describe('generateUnit: PrivateTmp', () => {
  it('keeps PrivateTmp=yes unless a path the service needs is in /tmp or /var/tmp', () => {
    expect(get(generateUnit(opts(base())), 'PrivateTmp')).toBe('yes');
    expect(get(generateUnit(opts(base(), { configPath: '/tmp/x/agents.json' })), 'PrivateTmp')).toBeUndefined();
    const config = base();
    expect(get(generateUnit(opts({ ...config, service: { ...config.service, db: '/var/tmp/h/hooks.db' } })), 'PrivateTmp')).toBeUndefined();
  });
});
