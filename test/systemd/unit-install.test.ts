// Installing a unit: default directories per scope, atomic write with the replaced text, the short diff,
// and the journal catalog outcomes that need no root (missing file, --user skip).
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installCatalog } from '../../src/systemd/journal/catalog-install.js';
import { catalogPath } from '../../src/systemd/journal/catalog.js';
import { unitDiff } from '../../src/systemd/unit/diff.js';
import { defaultUnitDir, writeUnitAtomic } from '../../src/systemd/unit/install.js';

const dirs: string[] = [];
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'hooks-unit-install-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('defaultUnitDir', () => {
  it('uses $XDG_CONFIG_HOME, else ~/.config, for --user and /etc/systemd/system for --system', () => {
    expect(defaultUnitDir('user', { XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/a' })).toBe('/x/cfg/systemd/user');
    expect(defaultUnitDir('user', { HOME: '/home/a' })).toBe('/home/a/.config/systemd/user');
    expect(defaultUnitDir('user', { XDG_CONFIG_HOME: 'relative', HOME: '/home/a' })).toBe('/home/a/.config/systemd/user');
    expect(defaultUnitDir('system', {})).toBe('/etc/systemd/system');
    expect(() => defaultUnitDir('user', {})).toThrow(expect.objectContaining({ code: 'hooks.unit.no_home', exitCode: 78 }));
  });
});

describe('writeUnitAtomic', () => {
  it('creates the directory, writes the file, returns the previous text and leaves no temp file', () => {
    const dir = join(scratch(), 'nested/user');
    expect(writeUnitAtomic(dir, 'a.service', 'one\n', 42)).toEqual({ path: join(dir, 'a.service'), previous: null });
    expect(writeUnitAtomic(dir, 'a.service', 'two\n', 42)).toEqual({ path: join(dir, 'a.service'), previous: 'one\n' });
    expect(readFileSync(join(dir, 'a.service'), 'utf8')).toBe('two\n');
    expect(readdirSync(dir)).toEqual(['a.service']);
  });

  it('leaves a unit that already holds the text untouched (same inode and mtime: no NeedDaemonReload)', () => {
    const dir = scratch();
    const path = writeUnitAtomic(dir, 'same.service', 'text\n', 1).path;
    utimesSync(path, 1_000, 1_000);
    const before = statSync(path);
    expect(writeUnitAtomic(dir, 'same.service', 'text\n', 1)).toEqual({ path, previous: 'text\n' });
    const after = statSync(path);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it("replaces a FIFO in the unit's place without blocking on it, and reads a symlinked unit for the diff", () => {
    const dir = scratch();
    execFileSync('mkfifo', [join(dir, 'f.service')]);
    expect(writeUnitAtomic(dir, 'f.service', 'new\n', 1)).toEqual({ path: join(dir, 'f.service'), previous: null });
    expect(readFileSync(join(dir, 'f.service'), 'utf8')).toBe('new\n');
    writeFileSync(join(dir, 'real'), 'old\n');
    symlinkSync(join(dir, 'real'), join(dir, 'l.service'));
    expect(writeUnitAtomic(dir, 'l.service', 'new\n', 1).previous).toBe('old\n');
  });

  it('fails with hooks.unit.write_failed when the directory cannot be made', () => {
    const dir = scratch();
    const file = writeUnitAtomic(dir, 'f', 'x', 1).path;
    expect(() => writeUnitAtomic(join(file, 'sub'), 'a.service', 'x', 1)).toThrow(
      expect.objectContaining({ code: 'hooks.unit.write_failed', exitCode: 78 }),
    );
  });
});

describe('unitDiff', () => {
  it('lists removed then added lines, nothing for equal texts', () => {
    expect(unitDiff('a\nb\nc\n', 'a\nB\nc\n')).toEqual(['- b', '+ B']);
    expect(unitDiff('a\n', 'a\n')).toEqual([]);
    expect(unitDiff('', 'x\n')).toEqual(['+ x']);
  });
});

describe('installCatalog', () => {
  it('skips a --user install and says how to do it as root', async () => {
    const r = await installCatalog({ scope: 'user', source: catalogPath(), targetDir: scratch(), env: {} });
    expect(r.status).toBe('skipped');
    expect(r.message).toContain('journalctl --update-catalog');
  });

  it('skips with a notice when the catalog file is missing', async () => {
    const r = await installCatalog({ scope: 'system', source: '/nonexistent/hooksctl.catalog', targetDir: scratch(), env: {} });
    expect(r).toEqual({ status: 'skipped', message: 'journal catalog: /nonexistent/hooksctl.catalog not found; skipped' });
  });
});
