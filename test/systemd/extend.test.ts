// Extend-timeout helper: first slice at once, slices only on progress, never past the cap.
import { describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/systemd/notify/notify.js';
import { startExtender, type ExtenderOptions } from '../../src/systemd/notify/extend.js';
import { createFakeTime } from '../harness/fake-time.js';

// An extender on manual time, recording [time, wire text] per notification.
function setup(over: Partial<ExtenderOptions> = {}) {
  const time = createFakeTime();
  const start = time.clock.monotonic();
  const sent: [number, string][] = [];
  const notifier = createNotifier({ env: { NOTIFY_SOCKET: '/run/n' }, transport: (t) => sent.push([time.clock.monotonic() - start, t]) });
  const ext = startExtender({
    notifier,
    clock: time.clock,
    timers: time.timers,
    timeoutStopMs: 2000,
    capMs: 5000,
    sliceMs: 1500,
    progress: () => true,
    describe: (ms) => `draining 3 tasks, ${Math.ceil(ms / 1000)} s left`,
    ...over,
  });
  const extends_ = () =>
    sent.flatMap(([t, text]) => {
      const m = /EXTEND_TIMEOUT_USEC=(\d+)/.exec(text);
      return m ? [[t, Number(m[1])] as const] : [];
    });
  return { time, start, sent, ext, extends_ };
}

describe('startExtender', () => {
  it('sends the first slice at once, with a countdown to the cap in STATUS', () => {
    const { sent, ext, start } = setup();
    expect(sent).toEqual([[0, 'STATUS=draining 3 tasks, 5 s left\nEXTEND_TIMEOUT_USEC=1500000']]);
    expect(ext.extendedUntilMs()).toBe(start + 2000);
  });

  it('renews slices while progress lasts, each before the previous ends, never past the cap', async () => {
    const { time, extends_, ext, start, sent } = setup();
    await time.advance(8000);
    const ext_ = extends_();
    expect(ext_.length).toBeGreaterThan(5);
    expect(sent.find(([t]) => t === 1000)?.[1]).toBe('STATUS=draining 3 tasks, 4 s left\nEXTEND_TIMEOUT_USEC=1500000');
    for (const [t, usec] of ext_) expect(t + usec / 1000).toBeLessThanOrEqual(5000);
    for (let i = 1; i < ext_.length; i++) {
      const [prevT, prevUsec] = ext_[i - 1]!;
      expect(ext_[i]![0]).toBeLessThan(prevT + prevUsec / 1000);
    }
    expect(ext.extendedUntilMs()).toBeLessThanOrEqual(start + 5000);
    expect(ext.extendedUntilMs()).toBeGreaterThan(start + 4000);
    expect(time.pending()).toBe(0);
  });

  it('sends no slice without progress, only STATUS counting down to T, so the deadline stays T', async () => {
    const { time, sent, extends_, ext, start } = setup({ progress: () => false });
    await time.advance(3000);
    expect(extends_()).toEqual([]);
    expect(sent[0]).toEqual([0, 'STATUS=draining 3 tasks, 2 s left']);
    expect(ext.extendedUntilMs()).toBe(start + 2000);
  });

  it('extends when progress resumes before T, and a throwing progress counts as none', async () => {
    let state: 'throw' | 'yes' = 'throw';
    const { time, extends_ } = setup({
      progress: () => {
        if (state === 'throw') throw new Error('x');
        return true;
      },
    });
    await time.advance(1000);
    expect(extends_()).toEqual([]);
    state = 'yes';
    await time.advance(600);
    expect(extends_()).toEqual([[1500, 1_500_000]]);
  });

  it('falls back to a plain countdown when describe throws', () => {
    const { sent } = setup({
      describe: () => {
        throw new Error('x');
      },
    });
    expect(sent).toEqual([[0, 'STATUS=stopping, 5 s left\nEXTEND_TIMEOUT_USEC=1500000']]);
  });

  it('stops on stop() and on abort', async () => {
    const a = setup();
    a.ext.stop();
    await a.time.advance(3000);
    expect(a.sent).toHaveLength(1);
    const ac = new AbortController();
    const b = setup({ signal: ac.signal });
    ac.abort();
    await b.time.advance(3000);
    expect(b.sent).toHaveLength(1);
    expect(setup({ signal: AbortSignal.abort() }).sent).toEqual([]);
  });

  it.each([
    ['timeoutStopMs', { timeoutStopMs: 0 }],
    ['timeoutStopMs', { timeoutStopMs: Infinity }],
    ['capMs', { capMs: 1000 }],
    ['sliceMs', { sliceMs: -1 }],
  ] as [string, Partial<ExtenderOptions>][])('rejects a bad %s naming it', (option, over) => {
    expect(() => setup(over)).toThrow(
      expect.objectContaining({ code: 'hooks.extend.invalid', exitCode: 78, details: expect.objectContaining({ option }) }),
    );
  });
});
