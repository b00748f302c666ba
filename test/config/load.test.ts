// Config loading: precedence, defaults, and clear errors (exit 78 with the JSON path) on bad files.
import { describe, expect, it } from 'vitest';
import { thrown } from '../harness/thrown.js';
import { AGENT_KEY_DEFAULTS } from '../../src/config/agent-keys.js';
import { loadConfig } from '../../src/config/load.js';
import { listInstances } from '../../src/config/instances.js';
import { HooksError } from '../../src/errors.js';

const files = (map: Record<string, string>) => ({
  readFile: (p: string) => {
    const v = map[p];
    if (v === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    return v;
  },
  exists: (p: string) => p in map,
});
const base = { env: {}, cwd: '/srv', execPath: '/usr/bin/node' };

function loadErr(text: string): HooksError {
  return thrown(() => loadConfig({ ...base, flag: 'c.json', ...files({ '/srv/c.json': text }) }), 'the config to be rejected');
}

describe('loadConfig', () => {
  it('uses built-in defaults with two dev instances and an absolute db path', () => {
    const { config, source, path } = loadConfig({ ...base, ...files({}) });
    expect(source).toBe('defaults');
    expect(path).toBeNull();
    expect(config.service.db).toBe('/srv/data/hooks.db');
    expect(config.types['dev']?.command[0]).toBe('/usr/bin/node');
    expect(listInstances(config).map((i) => i.name)).toEqual(['dev-default', 'dev-2']);
  });

  it('prefers --config, then $HOOKS_CONFIG, then ./config/agents.json', () => {
    const fs = files({ '/srv/a.json': '{}', '/srv/b.json': '{}', '/srv/config/agents.json': '{}' });
    expect(loadConfig({ ...base, ...fs, flag: 'a.json', env: { HOOKS_CONFIG: 'b.json' } }).path).toBe('/srv/a.json');
    expect(loadConfig({ ...base, ...fs, env: { HOOKS_CONFIG: 'b.json' } }).source).toBe('env');
    expect(loadConfig({ ...base, ...fs }).path).toBe('/srv/config/agents.json');
  });

  it('merges sections over the defaults and resolves db against the file', () => {
    const { config } = loadConfig({
      ...base,
      flag: '/etc/h/c.json',
      ...files({ '/etc/h/c.json': '{"shutdown":{"drain_ms":6000},"service":{"db":"x.db"}}' }),
    });
    expect(config.shutdown).toMatchObject({ drain_ms: 6000, abort_grace_ms: 5000 });
    expect(config.service.db).toBe('/etc/h/x.db');
  });

  it('accepts systemd time spans for unit times', () => {
    const { config } = loadConfig({
      ...base,
      flag: 'c.json',
      ...files({ '/srv/c.json': '{"unit":{"timeout_stop_sec":"1min 30s","watchdog_sec":10}}' }),
    });
    expect(config.unit.timeout_stop_sec).toBe('1min 30s');
  });

  const malformed: Array<[string, string, string]> = [
    ['not JSON', '{"service":', ''],
    ['a top-level array', '[]', ''],
    ['an unknown top-level key', '{"servce":{}}', 'servce'],
    ['an unknown nested key', '{"shutdown":{"drain":5}}', 'shutdown.drain'],
    ['a wrong type', '{"service":{"port":"8787"}}', 'service.port'],
    ['a negative duration', '{"shutdown":{"drain_ms":-1}}', 'shutdown.drain_ms'],
    ['a non-numeric duration', '{"shutdown":{"abort_grace_ms":"5s"}}', 'shutdown.abort_grace_ms'],
    ['a fractional duration', '{"shutdown":{"margin_ms":1.5}}', 'shutdown.margin_ms'],
    ['a bad time span', '{"unit":{"timeout_stop_sec":"5 parsecs"}}', 'unit.timeout_stop_sec'],
    ['a negative time span', '{"unit":{"watchdog_sec":"-5s"}}', 'unit.watchdog_sec'],
    ['an empty types', '{"types":{}}', 'types'],
    ['a duplicate instance name', '{"pool":[{"name":"dev-default","type":"dev"}]}', 'pool.0.name'],
    ['a duplicate pool entry', '{"pool":[{"name":"a","type":"dev"},{"name":"a","type":"dev"}]}', 'pool.1.name'],
    ['a name with a newline', '{"pool":[{"name":"a\\nb","type":"dev"}]}', 'pool.0.name'],
    ['a name with a slash', '{"pool":[{"name":"../etc","type":"dev"}]}', 'pool.0.name'],
    ['a service name with a newline', '{"service":{"name":"x\\n[Service]"}}', 'service.name'],
    ['a pool type that does not exist', '{"pool":[{"name":"x","type":"nope"}]}', 'pool.0.type'],
    ['a container type with no image', '{"types":{"c":{"mode":"container","command":["sh"],"image":null,"env":{}}}}', 'types.c.image'],
    ['an empty command', '{"types":{"d":{"mode":"process","command":[],"image":null,"env":{}}}}', 'types.d.command'],
    ['a bad mode', '{"types":{"d":{"mode":"vm","command":["x"],"image":null,"env":{}}}}', 'types.d.mode'],
    ['a bad env key', '{"types":{"d":{"mode":"process","command":["x"],"image":null,"env":{"A B":"1"}}}}', 'types.d.env.A B'],
    ['a bad kill mode', '{"unit":{"kill_mode":"all"}}', 'unit.kill_mode'],
    ['a port out of range', '{"service":{"port":70000}}', 'service.port'],
    ['a pool type inherited from Object.prototype', '{"pool":[{"name":"x","type":"toString"}]}', 'pool.0.type'],
    ['a pool type named constructor', '{"pool":[{"name":"y","type":"constructor"}]}', 'pool.0.type'],
    ['a duration past the timer limit', '{"shutdown":{"drain_ms":9007199254740991}}', 'shutdown.drain_ms'],
    ['a watchdog under a second', '{"unit":{"watchdog_sec":"1us"}}', 'unit.watchdog_sec'],
    ['an infinite TimeoutStopSec', '{"unit":{"timeout_stop_sec":"infinity"}}', 'unit.timeout_stop_sec'],
    ['a TimeoutStopSec of zero', '{"unit":{"timeout_stop_sec":0}}', 'unit.timeout_stop_sec'],
    ['an image that is a docker option', '{"types":{"c":{"mode":"container","command":["sh"],"image":"--privileged"}}}', 'types.c.image'],
    ['an image with a space', '{"types":{"c":{"mode":"container","command":["sh"],"image":"busybox -v /:/host"}}}', 'types.c.image'],
    ['an image with a newline', '{"types":{"c":{"mode":"container","command":["sh"],"image":"busybox\\nx"}}}', 'types.c.image'],
    [
      'a mount with no container path',
      '{"types":{"c":{"mode":"container","command":["sh"],"image":"busybox","mounts":["/srv"]}}}',
      'types.c.mounts.0',
    ],
    [
      'a mount that is an option',
      '{"types":{"c":{"mode":"container","command":["sh"],"image":"busybox","mounts":["--privileged:/x"]}}}',
      'types.c.mounts.0',
    ],
    [
      'a relative container path',
      '{"types":{"c":{"mode":"container","command":["sh"],"image":"busybox","mounts":["/srv:repos"]}}}',
      'types.c.mounts.0',
    ],
    [
      'a network that is an option',
      '{"types":{"c":{"mode":"container","command":["sh"],"image":"busybox","network":"--privileged"}}}',
      'types.c.network',
    ],
  ];
  it.each(malformed)('rejects %s with exit 78 and the JSON path', (_what, text, path) => {
    const error = loadErr(text);
    expect(error).toBeInstanceOf(HooksError);
    expect(error.exitCode).toBe(78);
    expect(error.code).toMatch(/^hooks\.config\./);
    if (path !== '') expect(error.details['path']).toBe(path);
    expect(error.message).not.toMatch(/\n\s+at /);
  });

  it('refuses a service.db URL with a password in it (exit 78, naming service.db, not echoing it)', () => {
    for (const db of ['postgres://hooks:s3cret@db/hooks', 'postgresql://db/hooks?password=s3cret']) {
      const error = loadErr(JSON.stringify({ service: { db } }));
      expect(error).toMatchObject({ code: 'hooks.config.invalid', exitCode: 78, details: { path: 'service.db' } });
      expect(error.message).not.toContain('s3cret');
    }
    expect(loadErr('{"service":{"db":"mysql://db/hooks"}}').details['path']).toBe('service.db');
  });

  it('keeps a postgres:// service.db as it is and puts the data directory in ./data beside the config', () => {
    const read = (text: string) => loadConfig({ ...base, flag: '/etc/h/c.json', ...files({ '/etc/h/c.json': text }) }).config.service;
    expect(read('{"service":{"db":"postgres://hooks@db:5432/hooks"}}')).toMatchObject({
      db: 'postgres://hooks@db:5432/hooks',
      data_dir: '/etc/h/data',
    });
    expect(read('{"service":{"db":"postgres://db/hooks","data_dir":"/var/lib/h"}}').data_dir).toBe('/var/lib/h');
    expect(read('{"service":{"db":"x.db"}}').data_dir).toBeUndefined();
  });

  it('a type needs only mode and command: image defaults to null, env to {}, mounts to []', () => {
    const { config } = loadConfig({
      ...base,
      flag: 'c.json',
      ...files({ '/srv/c.json': '{"types":{"p":{"mode":"process","command":["node","a.js"]}}}' }),
    });
    expect(config.types['p']).toEqual({
      ...AGENT_KEY_DEFAULTS,
      mode: 'process',
      command: ['node', 'a.js'],
      image: null,
      env: {},
      mounts: [],
      network: null,
    });
  });

  it('accepts real image references, mounts and networks', () => {
    const type = {
      mode: 'container',
      command: ['sh'],
      image: 'registry.local:5000/org/agent@sha256:abc',
      mounts: ['/srv/repos:/repos:ro', 'cache:/root/.cache'],
      network: 'container:proxy',
    };
    const { config } = loadConfig({ ...base, flag: 'c.json', ...files({ '/srv/c.json': JSON.stringify({ types: { c: type } }) }) });
    expect(config.types['c']).toMatchObject(type);
  });

  it('reports an unreadable file with exit 78', () => {
    const error = (() => {
      try {
        loadConfig({ ...base, flag: 'missing.json', ...files({}) });
      } catch (e) {
        return e as HooksError;
      }
      throw new Error('no');
    })();
    expect(error.code).toBe('hooks.config.unreadable');
    expect(error.exitCode).toBe(78);
  });

  it('a file that brings its own types starts with no pool (the default pool names the default type)', () => {
    const { config } = loadConfig({
      ...base,
      flag: 'c.json',
      ...files({ '/srv/c.json': '{"types":{"bb":{"mode":"process","command":["cat"],"image":null,"env":{}}}}' }),
    });
    expect(listInstances(config).map((i) => i.name)).toEqual(['bb-default']);
  });

  it('a key with a newline or ESC in it stays on its issue line, escaped', () => {
    const error = loadErr('{"types":{"t":{"mode":"process","command":["x"],"env":{"A\\nB":"x"}}},"x\\u001b[31m":1}');
    expect(error.code).toBe('hooks.config.invalid');
    expect(error.message.split('\n')).toEqual([
      expect.stringContaining('types.t.env.A\\x0aB: '),
      expect.stringContaining('x\\x1b[31m: Unknown key'),
    ]);
  });

  it('accepts a file that starts with a UTF-8 byte order mark', () => {
    const { config } = loadConfig({ ...base, flag: 'c.json', ...files({ '/srv/c.json': '\uFEFF{"service":{"port":9000}}' }) });
    expect(config.service.port).toBe(9000);
  });

  it('places a JSON syntax error by line and column (exit 78), after a byte order mark too', () => {
    for (const prefix of ['', '\uFEFF']) {
      const error = loadErr(`${prefix}{\n  "service": {\n    "port": 80,,\n  }\n}\n`);
      expect(error.code).toBe('hooks.config.syntax');
      expect(error.exitCode).toBe(78);
      expect(error.message).toBe('/srv/c.json:3:16: not valid JSON: Expected double-quoted property name in JSON');
      expect(error.details).toMatchObject({ file: '/srv/c.json', line: 3, column: 16 });
    }
    // No offset in the message (the text ends early): the file alone, and the message as V8 gave it.
    expect(loadErr('').message).toBe('/srv/c.json: not valid JSON: Unexpected end of JSON input');
  });
});
