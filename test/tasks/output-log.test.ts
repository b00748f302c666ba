// The per-task output log: appends, the cut at max_output_bytes with its marker, IDs that cannot
// name a file, and pruning by age and by total size (newest kept).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_LOG, openTaskLog, pruneTaskLogs, taskLogPath } from '../../src/tasks/output-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hooks-output-log-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('openTaskLog', () => {
  it('appends every chunk, and keeps nothing past max_output_bytes but one marker', () => {
    const log = openTaskLog(dir, 'task-1', 10);
    log.write('12345');
    log.write('67890abc');
    log.write('more');
    log.close();
    log.close();
    expect(readFileSync(join(dir, 'task-1.log'), 'utf8')).toBe(
      '1234567890\n[hooksctl: output cut at max_output_bytes=10; the rest is not stored]\n',
    );
  });

  it('keeps everything without a limit, and refuses IDs that are not file names', () => {
    const log = openTaskLog(dir, 'task-2', null);
    log.write('a'.repeat(100_000));
    log.close();
    expect(readFileSync(join(dir, 'task-2.log'), 'utf8')).toHaveLength(100_000);
    expect(taskLogPath(dir, '../x')).toBeNull();
    expect(openTaskLog(dir, '../x', null)).toBe(NO_LOG);
    expect(openTaskLog(join(dir, 'missing'), 'task-3', null)).toBe(NO_LOG);
  });
});

describe('pruneTaskLogs', () => {
  const now = Date.UTC(2026, 0, 10);
  // A log of `size` bytes last written `ageMs` ago.
  const file = (name: string, size: number, ageMs: number) => {
    writeFileSync(join(dir, name), 'x'.repeat(size));
    utimesSync(join(dir, name), (now - ageMs) / 1000, (now - ageMs) / 1000);
  };

  it('removes logs past the age, then the oldest until the total fits', () => {
    file('old.log', 10, 20 * 86_400_000);
    file('a.log', 40, 3000);
    file('b.log', 40, 2000);
    file('c.log', 40, 1000);
    file('notes.txt', 10, 30 * 86_400_000);
    const removed = pruneTaskLogs(dir, { maxAgeMs: 14 * 86_400_000, maxTotalBytes: 100, now });
    expect(removed.sort()).toEqual(['a.log', 'old.log']);
    expect(readdirSync(dir).sort()).toEqual(['b.log', 'c.log', 'notes.txt']);
  });

  it('never throws for a missing directory', () => {
    expect(pruneTaskLogs(join(dir, 'nope'), { maxAgeMs: 0, maxTotalBytes: 0, now })).toEqual([]);
    expect(existsSync(join(dir, 'nope'))).toBe(false);
  });
});
