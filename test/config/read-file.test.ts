// Reading operator-supplied files: regular files and pipes, never devices; a size cap; clear codes.
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeReadError, readRegularFile } from '../../src/read-file.js';
import { loadConfig } from '../../src/config/load.js';
import { errorCode, useScratchDir } from '../harness/scratch.js';

const scratch = useScratchDir('hooks-read-');

describe('readRegularFile', () => {
  it('reads a regular file, multi-byte text intact', () => {
    const p = join(scratch.path, 'a.service');
    writeFileSync(p, '[Unit]\nDescription=héllo ✓\n');
    expect(readRegularFile(p)).toBe('[Unit]\nDescription=héllo ✓\n');
  });

  it('refuses a character device instead of reading forever', () => {
    expect(errorCode(() => readRegularFile('/dev/zero'))).toBe('ENOTREG');
    expect(describeReadError(Object.assign(new Error('x'), { code: 'ENOTREG' }))).toMatch(/device or socket/);
  });

  it('refuses a directory and a missing file with their errno', () => {
    expect(errorCode(() => readRegularFile(scratch.path))).toBe('EISDIR');
    expect(errorCode(() => readRegularFile(join(scratch.path, 'missing')))).toBe('ENOENT');
  });

  it('refuses a file over the cap', () => {
    const p = join(scratch.path, 'big');
    writeFileSync(p, 'x'.repeat(2000));
    expect(errorCode(() => readRegularFile(p, { maxBytes: 1000 }))).toBe('EFBIG');
    expect(readRegularFile(p, { maxBytes: 2000 })).toHaveLength(2000);
  });

  it('reads a pipe to its end, like cat, and caps it too', async () => {
    const fifo = join(scratch.path, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `printf 'Type=notify\\n' > ${fifo}`]);
    expect(readRegularFile(fifo)).toBe('Type=notify\n');
    await new Promise((resolve) => writer.once('exit', resolve));
    const big = spawn('sh', ['-c', `head -c 5000 /dev/zero > ${fifo}`]);
    expect(errorCode(() => readRegularFile(fifo, { maxBytes: 1000 }))).toBe('EFBIG');
    big.kill();
  });

  it('with pipes: false, refuses a fifo (EFIFO) at once instead of waiting for a writer; files read as before', () => {
    const fifo = join(scratch.path, 'nowriter');
    execFileSync('mkfifo', [fifo]);
    expect(errorCode(() => readRegularFile(fifo, { pipes: false }))).toBe('EFIFO');
    const p = join(scratch.path, 'plain.socket');
    writeFileSync(p, '[Socket]\n');
    expect(readRegularFile(p, { pipes: false })).toBe('[Socket]\n');
  });
});

describe('loadConfig and an unreadable ./config/agents.json', () => {
  it('is an error (exit 78), never silently the defaults', () => {
    const cwd = join(scratch.path, 'proj');
    mkdirSync(join(cwd, 'config/agents.json'), { recursive: true });
    let caught: unknown;
    try {
      loadConfig({ env: {}, cwd, execPath: '/usr/bin/node' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'hooks.config.unreadable', exitCode: 78 });
  });
});
