// The per-type agent keys (issue 13): defaults, good values, and hostile values that each end in
// exit 78 with the key named in the error's JSON path and message.
import { describe, expect, it } from 'vitest';
import { thrown } from '../harness/thrown.js';
import { credentialFileVar, pathProblem } from '../../src/config/agent-keys.js';
import { loadConfig } from '../../src/config/load.js';
import { HooksError } from '../../src/errors.js';

const DIRS = new Set(['/srv/repo', '/srv']);
const base = { env: {}, cwd: '/srv', execPath: '/usr/bin/node', isDirectory: (p: string) => DIRS.has(p) };

// Load a config file holding `value` as JSON.
function load(value: unknown) {
  const text = JSON.stringify(value);
  return loadConfig({ ...base, flag: 'c.json', readFile: () => text, exists: () => true });
}

// A config with one process type `dev` carrying `keys`.
const withType = (keys: Record<string, unknown>, service: Record<string, unknown> = {}) => ({
  service,
  types: { dev: { mode: 'process', command: ['/usr/bin/agent'], ...keys } },
});

// The error of loading `value`.
function rejection(value: unknown): HooksError {
  return thrown(() => load(value), 'the config to be rejected');
}

describe('per-type agent keys', () => {
  it('defaults to no workspace, no extra paths, no env, no secrets and no limits', () => {
    const dev = load(withType({})).config.types['dev'];
    expect(dev).toMatchObject({
      cwd: null,
      writable: [],
      state_dir: null,
      home: null,
      pass_env: [],
      credentials: [],
      timeout_ms: null,
      no_output_timeout_ms: null,
      max_output_bytes: null,
    });
    expect(load(withType({})).config.service.credentials).toEqual({});
  });

  it('accepts a full, sane set', () => {
    const config = load(
      withType(
        {
          cwd: '/srv/repo',
          writable: ['/var/cache/agent', '/srv/other repo'],
          state_dir: '/var/lib/agent-state',
          home: '/var/lib/agent-home',
          pass_env: ['ANTHROPIC_BASE_URL', '_X1'],
          credentials: ['api-key'],
          timeout_ms: 600000,
          no_output_timeout_ms: 60000,
          max_output_bytes: 1048576,
        },
        { credentials: { 'api-key': '/etc/agent/api-key' } },
      ),
    ).config;
    expect(config.types['dev']?.credentials).toEqual(['api-key']);
    expect(config.service.credentials).toEqual({ 'api-key': '/etc/agent/api-key' });
  });

  const hostile: [string, unknown, string][] = [
    ['a relative cwd', withType({ cwd: 'repo' }), 'types.dev.cwd'],
    ['a cwd with a newline', withType({ cwd: '/srv/repo\nReadWritePaths=/' }), 'types.dev.cwd'],
    ['a cwd with ..', withType({ cwd: '/srv/repo/../../etc' }), 'types.dev.cwd'],
    ['a cwd under /proc', withType({ cwd: '/proc/self/root' }), 'types.dev.cwd'],
    ['a cwd that does not exist', withType({ cwd: '/srv/nowhere' }), 'types.dev.cwd'],
    ['a writable path under /sys', withType({ writable: ['/sys/fs/cgroup'] }), 'types.dev.writable.0'],
    ['a relative writable path', withType({ writable: ['/ok', 'cache'] }), 'types.dev.writable.1'],
    ['writable / itself', withType({ writable: ['/'] }), 'types.dev.writable.0'],
    ['a writable path with a quote', withType({ writable: ['/srv/a"b'] }), 'types.dev.writable.0'],
    ['a state_dir under /dev', withType({ state_dir: '/dev/shm/agent' }), 'types.dev.state_dir'],
    ['a home with a trailing slash', withType({ home: '/var/lib/h/' }), 'types.dev.home'],
    ['a home with //', withType({ home: '/var//lib' }), 'types.dev.home'],
    ['a pass_env entry with =', withType({ pass_env: ['PATH=/evil'] }), 'types.dev.pass_env.0'],
    ['a pass_env entry starting with a digit', withType({ pass_env: ['HOME', '1X'] }), 'types.dev.pass_env.1'],
    ['a pass_env entry with a newline', withType({ pass_env: ['A\nB'] }), 'types.dev.pass_env.0'],
    ['a negative timeout_ms', withType({ timeout_ms: -1 }), 'types.dev.timeout_ms'],
    ['a zero no_output_timeout_ms', withType({ no_output_timeout_ms: 0 }), 'types.dev.no_output_timeout_ms'],
    ['a fractional max_output_bytes', withType({ max_output_bytes: 1.5 }), 'types.dev.max_output_bytes'],
    ['a timeout_ms past a Node timer', withType({ timeout_ms: 2 ** 31 }), 'types.dev.timeout_ms'],
    ['an unknown credential', withType({ credentials: ['api-key'] }), 'types.dev.credentials.0'],
    ['a credential name with a slash', withType({}, { credentials: { 'a/b': '/etc/x' } }), 'service.credentials.a/b'],
    ['a relative credential file', withType({}, { credentials: { key: 'secrets/key' } }), 'service.credentials.key'],
    [
      'writable in container mode',
      { types: { box: { mode: 'container', image: 'busybox', command: ['sh'], writable: ['/srv/x'] } } },
      'types.box.writable',
    ],
  ];

  it.each(hostile)('refuses %s with exit 78 naming the key', (_what, value, key) => {
    const error = rejection(value);
    expect(error).toBeInstanceOf(HooksError);
    expect(error.code).toBe('hooks.config.invalid');
    expect(error.exitCode).toBe(78);
    expect(error.details['path']).toBe(key);
    expect(error.message).toContain(key);
  });

  it('does not check a container-mode cwd on the host (it is --workdir inside the container)', () => {
    const config = load({ types: { box: { mode: 'container', image: 'busybox', command: ['sh'], cwd: '/work' } } }).config;
    expect(config.types['box']?.cwd).toBe('/work');
  });
});

describe('pathProblem and credentialFileVar', () => {
  it('passes normal absolute paths, including spaces inside', () => {
    expect(pathProblem('/srv/my repo')).toBeNull();
    expect(pathProblem('/var/lib/hooks')).toBeNull();
  });

  it('names the variable of a credential as Docker secrets do', () => {
    expect(credentialFileVar('api-key')).toBe('API_KEY_FILE');
    expect(credentialFileVar('token')).toBe('TOKEN_FILE');
    expect(credentialFileVar('Gh_token-2')).toBe('GH_TOKEN_2_FILE');
  });
});
