// makeDir: mkdir -p that ends, including where Node's recursive mkdirSync spins forever (/proc).
import { describe, expect, it } from 'vitest';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDir } from '../../src/make-dir.js';
import { errorCode, useScratchDir } from '../harness/scratch.js';

const scratch = useScratchDir('hooks-mkdir-');

describe('makeDir', () => {
  it('creates missing parents, and is a no-op on an existing directory', () => {
    const deep = join(scratch.path, 'a/b/c');
    makeDir(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    makeDir(deep);
    makeDir(`${scratch.path}/a/./b/../b`);
  });

  it('fails (and ends) under /proc, where mkdir answers ENOENT below an existing parent', () => {
    expect(errorCode(() => makeDir('/proc/hooksctl-no-such/x'))).toBe('ENOENT');
  });

  it('fails with ENOTDIR or EEXIST-as-not-a-directory when a file is in the way', () => {
    const file = join(scratch.path, 'file');
    writeFileSync(file, 'x');
    expect(errorCode(() => makeDir(join(file, 'sub')))).toBe('ENOTDIR');
    expect(errorCode(() => makeDir(file))).toBe('ENOTDIR');
  });
});
