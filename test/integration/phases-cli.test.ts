// `hooksctl phases` against a real journald: a readable journal with no shutdowns is exit 0 and says so;
// no journal files (a private mount namespace with empty journal directories) and journal files closed to
// the user (nobody, in the sandbox) are exit 69 saying no journal is reachable, never "no shutdowns".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';

const BIN = fileURLToPath(new URL('../../bin/hooksctl', import.meta.url));
const PATH = process.env['PATH'] ?? '/usr/bin:/bin';
const errorCode = (stderr: unknown) => (JSON.parse(String(stderr)) as { error: { code: string } }).error.code;

describe('hooksctl phases and the journal', () => {
  let sb: SystemdSandbox;
  beforeAll(async () => {
    sb = await startSystemd();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('a readable journal without shutdowns of the unit: exit 0, "no shutdowns"', async () => {
    await sb.run(['journalctl', '--sync']);
    const r = await sb.run([process.execPath, BIN, 'phases', '--unit', 'hk-never-ran']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout)).toContain('no shutdowns of hk-never-ran in the journal');
    const j = await sb.run([process.execPath, BIN, 'phases', '--unit', 'hk-never-ran', '--json']);
    expect(j.exitCode).toBe(0);
    expect(JSON.parse(String(j.stdout))).toEqual([]);
  });

  it('no journal files: exit 69, hooks.journal.no_files', async () => {
    // Empty tmpfs over every place journalctl looks for files, in a private mount namespace.
    const script = 'for d in /var/log/journal /run/log; do [ -d "$d" ] && mount -t tmpfs tmpfs "$d"; done; exec "$@"';
    const run = (...args: string[]) =>
      execa(
        'unshare',
        ['--mount', '--propagation', 'private', 'sh', '-c', script, '_', process.execPath, BIN, 'phases', '--unit', 'hk-x', ...args],
        { reject: false, env: { PATH }, extendEnv: false },
      );
    const text = await run();
    expect(text.exitCode, String(text.stderr)).toBe(69);
    expect(String(text.stdout)).not.toContain('no shutdowns');
    expect(String(text.stderr)).toContain('hooks.journal.no_files');
    const json = await run('--json');
    expect(json.exitCode).toBe(69);
    expect(errorCode(json.stderr)).toBe('hooks.journal.no_files');
  });

  it('journal files this user may not read: exit 69, hooks.journal.unreadable', async () => {
    await sb.run(['journalctl', '--sync']);
    const r = await sb.run(
      ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'phases', '--unit', 'hk-x', '--json'],
      { env: { HOME: '/nonexistent' } },
    );
    expect(r.exitCode, String(r.stderr)).toBe(69);
    expect(errorCode(r.stderr)).toBe('hooks.journal.unreadable');
  });

  it('journalctl missing: exit 69, hooks.journal.unavailable', async () => {
    const r = await execa(process.execPath, [BIN, 'phases', '--unit', 'hk-x', '--json'], {
      reject: false,
      env: { PATH: '/nonexistent' },
      extendEnv: false,
    });
    expect(r.exitCode).toBe(69);
    expect(errorCode(r.stderr)).toBe('hooks.journal.unavailable');
  });
});
