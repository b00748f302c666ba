// validate-unit's early systemd-analyze: the guess from argv, and the command taking it only when
// its own parse agrees (a real systemd-analyze runs for the taken one).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  earlyAnalysisFor,
  guessAnalysis,
  launchEarlyAnalysis,
  startEarlyAnalysis,
  type StartStagedAnalysis,
} from '../../src/cli/early-analysis.js';

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

describe('launchEarlyAnalysis and earlyAnalysisFor', () => {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
  // A starter that records what it was asked to start and starts nothing real.
  const recordingStarter = () => {
    const started: { file: string; signal: AbortSignal | undefined }[] = [];
    const start: StartStagedAnalysis = (file, o) => {
      started.push({ file, signal: o.signal });
      const unavailable = { available: false as const, reason: 'test' };
      return { result: Promise.resolve({ verify: unavailable, security: unavailable }), release: () => undefined };
    };
    return { started, start };
  };

  it('hands what the launcher started to the same argv, once, and starts it at once', () => {
    const { started, start } = recordingStarter();
    launchEarlyAnalysis(['validate-unit', 'a.service'], '/w', env, start);
    expect(started.map((s) => s.file)).toEqual(['/w/a.service']); // synchronously: before anything else loads
    const early = earlyAnalysisFor(['validate-unit', 'a.service'], '/w', env);
    expect(early?.take('/w/a.service', 'user')).not.toBeNull();
    expect(started).toHaveLength(1); // not started a second time
    expect(started[0]?.signal?.aborted).toBe(false);
  });

  it('abandons what the launcher started for other arguments or another folder', () => {
    for (const [argv, cwd] of [
      [['validate-unit', 'b.service'], '/w'],
      [['validate-unit', 'a.service'], '/elsewhere'],
    ] as const) {
      const { started, start } = recordingStarter();
      launchEarlyAnalysis(['validate-unit', 'a.service'], '/w', env, start);
      const early = earlyAnalysisFor(argv, cwd, env);
      expect(started[0]?.signal?.aborted).toBe(true);
      early?.abandon();
    }
    expect(earlyAnalysisFor(['status'], '/w', env)).toBeUndefined(); // nothing launched: none, for argv without a unit
  });
});
