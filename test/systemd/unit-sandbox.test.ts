// The agents' sandbox derived from the config (ReadWritePaths=, PrivateTmp=, StateDirectory=,
// LoadCredential=) and the validate-unit rule that warns when a unit does not let an agent write.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/defaults.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { lastValue, listValues, parseUnit } from '../../src/systemd/unit/file.js';
import { generateUnit } from '../../src/systemd/unit/generate.js';
import { pathList, sandboxFindings } from '../../src/systemd/unit/rules/sandbox.js';
import { agentSandbox, credentialLines, stateDirectoryLine } from '../../src/systemd/unit/sandbox.js';

const NODE = '/usr/bin/node';

// A config with the given types over fixed paths (db in /srv/hooks/data).
function config(types: Record<string, unknown>, service: Record<string, unknown> = {}, pool: unknown[] = []): Config {
  const d = defaultConfig(NODE);
  return parseConfig({ ...d, service: { ...d.service, db: '/srv/hooks/data/hooks.db', ...service }, types, pool }, 'test');
}

const agent = (more: Record<string, unknown> = {}) => ({ mode: 'process', command: [NODE, '/opt/agent.mjs'], ...more });

// The unit text for `c`.
const unit = (c: Config, scope: 'user' | 'system' = 'user') =>
  generateUnit({
    config: c,
    configPath: '/etc/hooks/agents.json',
    scope,
    execPath: NODE,
    entryPath: '/opt/hooksctl/bin/hooksctl',
    workingDirectory: '/srv',
  });

describe('agentSandbox', () => {
  it('needs only the data directory when every state directory lives under it', () => {
    expect(agentSandbox(config({ dev: agent() }, {}, [{ name: 'dev-2', type: 'dev' }]))).toEqual({
      required: ['/srv/hooks/data'],
      optional: [],
    });
  });

  it('adds state directories, homes, cwd and writable paths, each once, nested ones folded into their parent', () => {
    const c = config({
      dev: agent({
        cwd: '/srv/repo',
        writable: ['/srv/repo/sub', '/var/cache/agent', '/srv/hooks/data/x'],
        state_dir: '/var/lib/agent',
        home: '/var/lib/agent/home',
      }),
      other: agent({ cwd: '/srv/repo' }),
      box: { mode: 'container', image: 'busybox', command: ['sh'], cwd: '/work' },
    });
    expect(agentSandbox(c)).toEqual({ required: ['/srv/hooks/data', '/var/lib/agent'], optional: ['/srv/repo', '/var/cache/agent'] });
  });
});

describe('generateUnit with agent keys', () => {
  it('lists the required paths plainly and the agent paths with "-" in ReadWritePaths=', () => {
    const text = unit(config({ dev: agent({ cwd: '/srv/my repo', writable: ['/var/cache/agent'], state_dir: '/var/lib/agent' }) }));
    expect(lastValue(parseUnit(text), 'Service', 'ReadWritePaths')?.value).toBe(
      '/srv/hooks/data /var/lib/agent -"/srv/my repo" -/var/cache/agent',
    );
    expect(text).toContain('\nPrivateTmp=yes\n');
  });

  it('turns PrivateTmp= off when an agent writes a host /tmp path', () => {
    const text = unit(config({ dev: agent({ writable: ['/tmp/shared'] }) }));
    expect(text).not.toContain('PrivateTmp=');
  });

  it('writes one LoadCredential= per service credential, and never its content', () => {
    const c = config(
      { dev: agent({ credentials: ['api-key'] }) },
      { credentials: { 'api-key': '/etc/agent/key', token: '/etc/hooks/token' } },
    );
    expect(credentialLines(c)).toEqual(['LoadCredential=api-key:/etc/agent/key', 'LoadCredential=token:/etc/hooks/token']);
    expect(listValues(parseUnit(unit(c)), 'Service', 'LoadCredential').map((e) => e.value)).toEqual([
      'api-key:/etc/agent/key',
      'token:/etc/hooks/token',
    ]);
  });

  it('uses StateDirectory= for a system unit whose data directory is under /var/lib, and not for a user unit', () => {
    const c = config({ dev: agent() }, { db: '/var/lib/hooks/db/hooks.db' });
    expect(stateDirectoryLine(c, 'system')).toEqual(['StateDirectory=hooks/db']);
    expect(stateDirectoryLine(c, 'user')).toEqual([]);
    expect(unit(c, 'system')).toContain('\nStateDirectory=hooks/db\n');
    expect(stateDirectoryLine(config({ dev: agent() }), 'system')).toEqual([]);
  });

  it('leaves the generated unit with no sandbox warning for its own config', () => {
    const c = config({ dev: agent({ cwd: '/srv/repo', writable: ['/var/cache/a'], state_dir: '/var/lib/agent', home: '/home/agent' }) });
    expect(sandboxFindings(parseUnit(unit(c)), c)).toEqual([]);
  });
});

describe('the sandbox rule of validate-unit', () => {
  const hardened = (extra: string) =>
    parseUnit(`[Service]\nExecStart=/usr/bin/node x serve\nProtectSystem=strict\nProtectHome=read-only\nPrivateTmp=yes\n${extra}`);

  it('warns for a cwd and a writable path that ReadWritePaths= does not cover, naming the key', () => {
    const c = config({ dev: agent({ cwd: '/srv/repo', writable: ['/srv/hooks/data/cache', '/home/op/.cache'] }) });
    const findings = sandboxFindings(hardened('ReadWritePaths=/srv/hooks/data\n'), c);
    expect(findings.map((f) => [f.rule, f.severity, f.line])).toEqual([
      ['sandbox.agent-path', 'warning', 6],
      ['sandbox.agent-path', 'warning', 6],
    ]);
    expect(findings[0]?.message).toContain('`types.dev.cwd` is /srv/repo');
    expect(findings[1]?.message).toContain('`types.dev.writable.1` is /home/op/.cache');
  });

  it('warns for a /tmp path under PrivateTmp=yes, and for state directories outside the unit', () => {
    const c = config({ dev: agent({ writable: ['/tmp/x'], state_dir: '/var/lib/agent' }) });
    const messages = sandboxFindings(hardened('ReadWritePaths=/srv/hooks/data /tmp\n'), c).map((f) => f.message);
    expect(messages).toHaveLength(3);
    expect(messages[0]).toContain('PrivateTmp=yes');
    expect(messages[1]).toContain('`types.dev.state_dir (dev-default)` is /var/lib/agent');
  });

  it('says nothing for an unhardened unit, and counts StateDirectory= as writable', () => {
    const c = config({ dev: agent({ cwd: '/srv/repo' }) });
    expect(sandboxFindings(parseUnit('[Service]\nExecStart=/bin/true\n'), c)).toEqual([]);
    const managed = config({ dev: agent({ state_dir: '/var/lib/hooks/a' }) }, { db: '/var/lib/hooks/hooks.db' });
    expect(sandboxFindings(hardened('StateDirectory=hooks\n'), managed)).toEqual([]);
  });

  it('reads path lists with prefixes, quotes and %%', () => {
    expect(pathList('-/a "+/b c" -"/d e" /f%%g')).toEqual(['/a', '/b c', '/d e', '/f%g']);
  });
});
