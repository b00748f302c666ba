// makeDir: mkdir -p that ends, including where Node's recursive mkdirSync spins forever (/proc).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDir } from '../../src/make-dir.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'hooks-mkdir-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const codeOf = (fn: () => unknown): string | undefined => {
  try { fn(); } catch (error) { return (error as NodeJS.ErrnoException).code; }
  return undefined;
};

describe('makeDir', () => {
  it('creates missing parents, and is a no-op on an existing directory', () => {
    const deep = join(dir, 'a/b/c');
    makeDir(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    makeDir(deep);
    makeDir(`${dir}/a/./b/../b`);
  });

  it('fails (and ends) under /proc, where mkdir answers ENOENT below an existing parent', () => {
    expect(codeOf(() => makeDir('/proc/hooksctl-no-such/x'))).toBe('ENOENT');
  });

  it('fails with ENOTDIR or EEXIST-as-not-a-directory when a file is in the way', () => {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    expect(codeOf(() => makeDir(join(file, 'sub')))).toBe('ENOTDIR');
    expect(codeOf(() => makeDir(file))).toBe('ENOTDIR');
  });
});
