// validate-unit's early systemd-analyze: the guess from argv, and the command taking it only when
// its own parse agrees (a real systemd-analyze runs for the taken one).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guessAnalysis, startEarlyAnalysis } from '../../src/cli/early-analysis.js';

describe('guessAnalysis', () => {
  it('finds the one unit file and the scope', () => {
    expect(guessAnalysis(['validate-unit', 'a.service'], '/w')).toEqual({ file: '/w/a.service', scope: 'user' });
    expect(guessAnalysis(['validate-unit', '--system', '/u/a.socket', '--json'], '/w')).toEqual({ file: '/u/a.socket', scope: 'system' });
    expect(guessAnalysis(['validate-unit', '--config', 'x.service', 'a.service', '--strict'], '/w')).toEqual({
      file: '/w/a.service',
      scope: 'user',
    });
  });
  it('makes no guess when it is not plain', () => {
    for (const argv of [
      ['serve'],
      ['validate-unit'],
      ['validate-unit', 'a.service', '--no-analyze'],
      ['validate-unit', 'a.service', '--help'],
      ['validate-unit', 'a.service', 'b.service'],
      ['validate-unit', 'a.txt'],
    ])
      expect(guessAnalysis(argv, '/w'), argv.join(' ')).toBeNull();
  });
});

describe('startEarlyAnalysis', () => {
  it('hands the analysis to the command whose parse agrees, and to no other', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hooks-early-'));
    try {
      const unit = join(dir, 'early.service');
      writeFileSync(unit, '[Service]\nExecStart=/bin/true\n');
      const early = startEarlyAnalysis(['validate-unit', 'early.service', '--system'], dir, {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      });
      expect(early).toBeDefined();
      expect(early?.take(unit, 'user')).toBeNull(); // another scope: not this analysis (and it is aborted)
      const other = startEarlyAnalysis(['validate-unit', 'early.service', '--system'], dir, {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      });
      const taken = other?.take(unit, 'system');
      expect(taken).not.toBeNull();
      taken?.release();
      const result = await taken?.result;
      expect(result?.security).toMatchObject({ available: true, exposure: expect.any(Number) });
      expect(other?.take(unit, 'system')).toBeNull(); // taken once
      expect(startEarlyAnalysis(['status'], dir, {})).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
