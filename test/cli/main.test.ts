// The CLI as a user runs it: the built bin/hooksctl in a real process.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/hooksctl', import.meta.url));
const run = (...args: string[]) => execa(BIN, args, { reject: false, env: { HOOKS_CONFIG: '' }, cwd: tmpdir() });

describe('hooksctl CLI', () => {
  it('--help lists every verb and exits 0', async () => {
    const r = await run('--help');
    expect(r.exitCode).toBe(0);
    for (const verb of [
      'serve',
      'install-unit',
      'validate-unit',
      'agents-sync',
      'containers-down',
      'phases',
      'status',
      'tasks',
      'task',
      'cancel',
      'logs',
    ])
      expect(r.stdout).toContain(verb);
  });

  it('--version prints the package version', async () => {
    const r = await run('--version');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('no verb prints help and exits 2', async () => {
    const r = await run();
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Usage: hooksctl');
  });

  it('an unknown verb exits 2 with a one-line hint', async () => {
    const r = await run('srve');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("unknown command 'srve'");
    expect(r.stderr).toContain('hooksctl --help');
  });

  it.each([
    ['jobs', '--help'],
    ['jobs', '-h'],
    ['jobs', '--json', '--help'],
    ['help', 'jobs'],
    ['jobs', '--version'],
  ])('an unknown verb with a help request (%s %s) says so and exits 2, not the root help', async (...args) => {
    const r = await run(...args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("unknown command 'jobs'");
    expect(r.stdout).toBe('');
  });

  it('a known verb with --help still prints its help and exits 0', async () => {
    const r = await run('phases', '--help');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Usage: hooksctl phases');
  });

  it('an unknown option exits 2', async () => {
    const r = await run('config', '--frobnicate');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--frobnicate');
  });

  it.each([
    ['status', '--bogus', '--json'],
    ['tasks', '--status', 'garbage', '--json'],
    ['task', '--json'],
    ['validate-unit', '--json'],
    ['jobs', '--json'],
  ])('with --json a usage error (%s %s) is one JSON error on stderr, exit 2', async (...args) => {
    const r = await run(...args);
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      error: { code: 'hooks.cli.usage', message: expect.any(String), details: { commander: expect.stringMatching(/^commander\./) } },
    });
  });

  it('a bad config exits 78 naming the JSON path, with no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooks-cli-'));
    writeFileSync(join(dir, 'bad.json'), '{"shutdown":{"drain_ms":"soon"}}');
    const r = await run('config', '--config', join(dir, 'bad.json'));
    expect(r.exitCode).toBe(78);
    expect(r.stderr).toContain('shutdown.drain_ms');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const j = await run('config', '--json', '--config', join(dir, 'bad.json'));
    expect(JSON.parse(j.stderr).error).toMatchObject({ code: 'hooks.config.invalid', details: { path: 'shutdown.drain_ms' } });
  });

  it('config prints the effective defaults', async () => {
    const r = await run('config', '--json');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ source: 'defaults', config: { service: { name: 'claude-hooks', port: 8787 } } });
  });
});
