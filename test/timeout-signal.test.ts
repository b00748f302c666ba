// timeoutSignal: AbortSignal.timeout on injected timers.
import { describe, expect, it } from 'vitest';
import { timeoutSignal } from '../src/timeout-signal.js';
import { createFakeTime } from './harness/fake-time.js';

describe('timeoutSignal', () => {
  it('aborts after exactly ms on the injected timers, with a TimeoutError like AbortSignal.timeout', async () => {
    const time = createFakeTime();
    const signal = timeoutSignal(time.timers, 500);
    let abortedAt: number | null = null;
    signal.addEventListener('abort', () => {
      abortedAt = time.clock.monotonic();
    });
    await time.advance(499);
    expect(signal.aborted).toBe(false);
    await time.advance(1);
    expect(signal.aborted).toBe(true);
    expect(abortedAt).toBe(1500);
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
    expect((signal.reason as DOMException).name).toBe((AbortSignal.timeout(1).reason as DOMException | undefined)?.name ?? 'TimeoutError');
  });

  it('sets exactly one timer and aborts once', async () => {
    const time = createFakeTime();
    const signal = timeoutSignal(time.timers, 10);
    expect(time.pending()).toBe(1);
    let count = 0;
    signal.addEventListener('abort', () => {
      count += 1;
    });
    await time.advance(1000);
    expect(count).toBe(1);
    expect(time.pending()).toBe(0);
  });
});
