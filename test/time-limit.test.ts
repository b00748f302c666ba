// withinMs: a promise's value, or a stand-in once a time limit on injected timers has passed.
import { describe, expect, it } from 'vitest';
import { withinMs } from '../src/time-limit.js';
import { createFakeTime } from './harness/fake-time.js';

describe('withinMs', () => {
  it('gives the value of a promise that settles in time, and clears its timer', async () => {
    const time = createFakeTime();
    const answer = withinMs(time.timers, 500, Promise.resolve('ok'), 'late');
    await expect(answer).resolves.toBe('ok');
    expect(time.pending()).toBe(0);
  });

  it('gives the stand-in once the limit has passed for a promise that never settles', async () => {
    const time = createFakeTime();
    let settled: string | null = null;
    void withinMs(time.timers, 500, new Promise<string>(() => undefined), 'late').then((v) => (settled = v));
    await time.advance(499);
    expect(settled).toBeNull();
    await time.advance(1);
    expect(settled).toBe('late');
  });

  it('passes on a rejection that comes in time', async () => {
    const time = createFakeTime();
    await expect(withinMs(time.timers, 500, Promise.reject(new Error('gone')), 'late')).rejects.toThrow('gone');
    expect(time.pending()).toBe(0);
  });
});
