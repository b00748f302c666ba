// `hooksctl validate-unit` as a real process with the real systemd-analyze: output format, exit codes
// 0/1/2/78, --strict, --json, the budget against --config or the built-in defaults (and which one said),
// verify messages folded in, and "unavailable" said rather than failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, execaSync } from 'execa';

const BIN = fileURLToPath(new URL('../../bin/hooksctl', import.meta.url));
const HOOKS = `${process.execPath} ${BIN}`;
const GOOD = `[Unit]\nDescription=t\n\n[Service]\nType=notify\nNotifyAccess=main\nExecStart=${HOOKS} serve\nKillMode=mixed\nTimeoutStopSec=90s\n\n[Install]\nWantedBy=multi-user.target\n`;
// Only PATH: no XDG_RUNTIME_DIR, so a --user verify has no manager to talk to.
const ENV = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };

describe('hooksctl validate-unit (real process, real systemd-analyze)', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const run = (...args: string[]) =>
    execa(process.execPath, [BIN, 'validate-unit', ...args], { reject: false, env: ENV, extendEnv: false, cwd: dir });
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hooks-validate-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('exit 0 on a good unit, with a summary, the exposure and the verify note', async () => {
    const file = write('good.service', GOOD);
    const r = await run(file, '--system');
    expect(r.exitCode, String(r.stdout)).toBe(0);
    expect(String(r.stdout)).toMatch(new RegExp(`${file}: ok: 0 error\\(s\\), 0 warning\\(s\\), exposure \\d+(\\.\\d)?`));
    expect(String(r.stdout)).toContain('note: systemd-analyze verify: ran, 0 message(s)');
  });

  it('warns when a hand-edited unit does not let a type write its cwd (sandbox.agent-path), and fails with --strict', async () => {
    const repo = join(dir, 'repo');
    mkdirSync(repo, { recursive: true });
    const cfg = write(
      'agents-sandbox.json',
      JSON.stringify({
        service: { db: join(dir, 'data/hooks.db') },
        types: { dev: { mode: 'process', command: ['/bin/true'], cwd: repo } },
        pool: [],
      }),
    );
    const hand = GOOD.replace('KillMode=mixed', `KillMode=mixed\nProtectSystem=strict\nReadWritePaths=${join(dir, 'data')}`);
    const file = write('hand.service', hand);
    const r = await run(file, '--system', '--no-analyze', '--config', cfg);
    expect(r.exitCode, String(r.stdout)).toBe(0);
    expect(String(r.stdout)).toMatch(new RegExp(`^${file}:10: warning \\[sandbox\\.agent-path\\] \`types\\.dev\\.cwd\` is ${repo}`, 'm'));
    expect((await run(file, '--system', '--no-analyze', '--strict', '--config', cfg)).exitCode).toBe(1);
    const fixed = write(
      'fixed.service',
      hand.replace(/^ReadWritePaths=.*$/m, (l) => `${l} -${repo}`),
    );
    const ok = await run(fixed, '--system', '--no-analyze', '--strict', '--config', cfg);
    expect(ok.exitCode, String(ok.stdout)).toBe(0);
  });

  it('exit 1 with FILE:LINE: error [rule] lines and a summary', async () => {
    const file = write(
      'bad.service',
      GOOD.replace('NotifyAccess=main', 'NotifyAccess=none').replace('TimeoutStopSec=90s', 'TimeoutStopSec=infinity'),
    );
    const r = await run(file, '--system', '--no-analyze');
    expect(r.exitCode).toBe(1);
    const lines = String(r.stdout).split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${file}:6: error \\[notify\\.access-none\\] `));
    expect(lines[1]).toMatch(new RegExp(`^${file}:9: error \\[timeout\\.infinity\\] `));
    expect(lines[2]).toBe(`${file}: FAILED: 2 error(s), 0 warning(s)`);
  });

  it('checks a .service together with the .socket beside it, and a .socket given directly', async () => {
    const config = write('pair.json', JSON.stringify({ service: { host: '127.0.0.1', port: 9321 } }));
    const service = write('pair.service', GOOD.replace('Description=t\n', 'Description=t\nRequires=pair.socket\nAfter=pair.socket\n'));
    const good =
      '[Unit]\nDescription=s\n\n[Socket]\nListenStream=127.0.0.1:9321\nBacklog=4096\nService=pair.service\n\n[Install]\nWantedBy=sockets.target\n';
    const socket = write('pair.socket', good);
    const ok = await run(service, '--system', '--config', config, '--json');
    expect(ok.exitCode, String(ok.stdout)).toBe(0);
    expect(JSON.parse(String(ok.stdout))).toMatchObject({ file: service, ok: true, socket: { file: socket, ok: true, findings: [] } });

    write('pair.socket', good.replace('ListenStream=127.0.0.1:9321\n', 'ListenStream=127.0.0.1:9999\nAccept=yes\n'));
    const bad = await run(service, '--system', '--config', config, '--no-analyze');
    expect(bad.exitCode).toBe(1);
    // The socket is named the way the service was given: here by its absolute path.
    expect(String(bad.stdout)).toContain(`${socket}:5: error [socket.listen-mismatch]`);
    expect(String(bad.stdout)).toContain(`${socket}:6: error [socket.accept]`);
    expect(String(bad.stdout)).toContain(`${service}: ok: 0 error(s)`);
    const relative = await run('pair.service', '--system', '--config', config, '--no-analyze');
    expect(String(relative.stdout)).toMatch(/^pair\.socket:5: error \[socket\.listen-mismatch\]/m);
    const direct = await run(socket, '--system', '--config', config, '--json', '--no-analyze');
    expect(direct.exitCode).toBe(1);
    expect(JSON.parse(String(direct.stdout))).toMatchObject({
      file: socket,
      ok: false,
      findings: [
        { rule: 'socket.listen-mismatch', line: 5 },
        { rule: 'socket.accept', line: 6 },
      ],
    });
    // A service without Requires= on its socket: the warning is the service's, at its [Unit] line.
    write('pair.socket', good);
    const loose = write('loose.service', GOOD);
    write('loose.socket', good.replace('Service=pair.service', 'Service=loose.service'));
    const warned = await run(loose, '--system', '--config', config, '--json', '--no-analyze');
    expect(JSON.parse(String(warned.stdout))).toMatchObject({
      findings: [{ rule: 'socket.not-required', line: 1 }],
      socket: { file: join(dir, 'loose.socket'), findings: [] },
    });
  });

  it('checks the budget against --config, and --json has the documented shape', async () => {
    const config = write('agents.json', JSON.stringify({ unit: { timeout_stop_sec: '30s' } }));
    const file = write('budget.service', GOOD.replace('TimeoutStopSec=90s', 'TimeoutStopSec=30s'));
    const r = await run(file, '--system', '--config', config, '--json');
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(String(r.stdout)) as Record<string, unknown>;
    expect(report).toMatchObject({
      file,
      ok: false,
      config: { source: config },
      findings: [{ rule: 'budget.plain', severity: 'error', line: 9, message: expect.stringContaining('drain_ms') }],
    });
    expect(typeof report['exposure']).toBe('number');
  });

  it('without a config file checks the budget against the built-in defaults, and says so', async () => {
    // The defaults need 60 + 5 + 5 + 5 s: a 30 s TimeoutStopSec cannot hold them.
    const file = write('nocfg.service', GOOD.replace('TimeoutStopSec=90s', 'TimeoutStopSec=30s'));
    const json = await run(file, '--system', '--no-analyze', '--json');
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(String(json.stdout))).toMatchObject({
      ok: false,
      config: { source: 'defaults' },
      findings: [{ rule: 'budget.plain', severity: 'error', line: 9 }],
    });
    const text = await run(file, '--system', '--no-analyze');
    expect(text.exitCode).toBe(1);
    expect(String(text.stdout)).toContain('note: budget: checked against the built-in defaults');
    const good = await run(write('nocfg-ok.service', GOOD), '--system', '--no-analyze', '--json');
    expect(good.exitCode).toBe(0);
    expect(JSON.parse(String(good.stdout))).toMatchObject({ ok: true, config: { source: 'defaults' } });
  });

  it('warnings pass without --strict and fail with it', async () => {
    const file = write('warn.service', GOOD.replace('KillMode=mixed', 'KillMode=process'));
    expect((await run(file, '--system', '--no-analyze')).exitCode).toBe(0);
    const strict = await run(file, '--system', '--no-analyze', '--strict');
    expect(strict.exitCode).toBe(1);
    expect(String(strict.stdout)).toContain(`${file}:8: warning [killmode.orphans]`);
  });

  it('does not fail a unit for a Documentation= man page this host lacks (verify --man=no)', async () => {
    const file = write('doc.service', GOOD.replace('Description=t\n', 'Description=t\nDocumentation=man:hooksctl-no-such-page(5)\n'));
    const r = await run(file, '--system');
    expect(r.exitCode, String(r.stdout)).toBe(0);
    expect(String(r.stdout)).not.toContain('no-such-page');
  });

  it('folds systemd-analyze verify messages in as findings with their line', async () => {
    const file = write(
      'verify.service',
      GOOD.replace(`ExecStart=${HOOKS} serve`, '#').replace('[Service]\n', `[Service]\nExecStart=/nonexistent/hooksctl serve\n`),
    );
    const r = await run(file, '--system', '--json');
    const report = JSON.parse(String(r.stdout)) as { findings: { rule: string; line: number; message: string }[] };
    expect(r.exitCode).toBe(1);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ rule: 'analyze.verify', message: expect.stringContaining('/nonexistent/hooksctl') }),
    );
  });

  it('says systemd-analyze --user verify is unavailable without a user manager, instead of failing', async () => {
    const file = write('user.service', GOOD);
    const r = await run(file, '--user');
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toMatch(/note: systemd-analyze verify: unavailable: no user manager/);
  });

  it('exit 78 for an unreadable unit or config, exit 2 for bad usage', async () => {
    expect((await run(join(dir, 'missing.service'))).exitCode).toBe(78);
    const file = write('ok2.service', GOOD);
    expect((await run(file, '--config', join(dir, 'missing.json'))).exitCode).toBe(78);
    expect((await run(file, '--config', write('broken.json', '{"unit": {"kill_mode": "sometimes"}}'))).exitCode).toBe(78);
    expect((await run()).exitCode).toBe(2);
    expect((await run(file, '--user', '--system')).exitCode).toBe(2);
  });

  it('exit 78, not a hang, for a fifo beside the service where its .socket would be', async () => {
    const file = write('piped.service', GOOD);
    execaSync('mkfifo', [join(dir, 'piped.socket')]);
    const r = await execa(process.execPath, [BIN, 'validate-unit', file, '--no-analyze'], {
      reject: false,
      env: ENV,
      extendEnv: false,
      cwd: dir,
      timeout: 10_000,
    });
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(78);
    expect(String(r.stderr)).toMatch(/piped\.socket: EFIFO \(a fifo, not a file\) \[hooks\.unit\.unreadable\]/);
  });
});
