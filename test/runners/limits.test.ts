// The container runner's time limits on fake time: the overall limit, the silence limit re-armed by
// output, the first one winning, and stop() cancelling both.
import { describe, expect, it } from 'vitest';
import { watchLimits, type LimitKind } from '../../src/runners/limits.js';
import { capOutput, lastBytes } from '../../src/runners/output-cap.js';
import { createFakeTime } from '../harness/fake-time.js';

// A watch over fake time that records what fired.
function watch(timeoutMs: number | null, noOutputTimeoutMs: number | null) {
  const time = createFakeTime();
  const fired: LimitKind[] = [];
  const w = watchLimits({ timeoutMs, noOutputTimeoutMs, timers: time.timers, onLimit: (k) => fired.push(k) });
  return { time, fired, w };
}

describe('watchLimits', () => {
  it('fires no-output-timeout after the silence limit, and output pushes it back', async () => {
    const { time, fired, w } = watch(null, 1000);
    await time.advance(900);
    w.activity();
    await time.advance(900);
    expect(fired).toEqual([]);
    await time.advance(100);
    expect(fired).toEqual(['no-output-timeout']);
    expect(w.fired()).toBe('no-output-timeout');
    expect(time.pending()).toBe(0);
  });

  it('fires timeout once, however chatty the task, and not the silence limit after it', async () => {
    const { time, fired, w } = watch(2500, 1000);
    for (let i = 0; i < 5; i += 1) {
      await time.advance(500);
      w.activity();
    }
    expect(fired).toEqual(['timeout']);
    await time.advance(5000);
    expect(fired).toEqual(['timeout']);
  });

  it('stop() cancels both limits, and no limits means no timers', async () => {
    const { time, fired, w } = watch(1000, 500);
    w.stop();
    await time.advance(5000);
    expect(fired).toEqual([]);
    expect(watch(null, null).time.pending()).toBe(0);
  });
});

describe('capOutput', () => {
  it('leaves output within the limit alone, and keeps whole UTF-8 characters when cutting', () => {
    const end = { status: 'succeeded' as const, reason: null, exitCode: 0, output: 'abc' };
    expect(capOutput(end, 3, 3)).toBe(end);
    expect(capOutput(end, 3, null)).toBe(end);
    expect(lastBytes('ééé', 3)).toBe('é');
    expect(capOutput({ ...end, output: null }, 10, 4).output).toMatch(/^\[hooksctl: output cut: the agent wrote 10 bytes/);
  });
});
