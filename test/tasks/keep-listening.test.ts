// keepListening on fake time: a lost subscription is taken again after a growing delay, the
// caller is told once it is back (to re-read the queue), failures are reported and never thrown,
// and stop ends everything, even a try under way.
import { describe, expect, it } from 'vitest';
import { keepListening, reconnectDelayMs, RECONNECT_BACKOFF, type Subscription } from '../../src/tasks/keep-listening.js';
import { createFakeTime } from '../harness/fake-time.js';

// A fake subscription source: each connect takes the next scripted result.
function source(script: Array<'ok' | 'fail'>) {
  const subs: Array<{ lose(error: Error): void; closed: boolean }> = [];
  let tries = 0;
  const connect = async (): Promise<Subscription> => {
    const step = script[tries++] ?? 'ok';
    if (step === 'fail') throw new Error(`refused ${tries}`);
    let lose: (error: Error) => void = () => {};
    const lost = new Promise<Error>((resolve) => (lose = resolve));
    const sub = { lose, closed: false };
    subs.push(sub);
    return {
      lost,
      close: async () => {
        sub.closed = true;
      },
    };
  };
  return { connect, subs, tries: () => tries };
}

describe('reconnectDelayMs', () => {
  it('doubles from 250 ms and stops at 5 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((n) => reconnectDelayMs(n))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
    expect(reconnectDelayMs(3, { firstMs: 10, maxMs: 1000 })).toBe(80);
    expect(RECONNECT_BACKOFF).toEqual({ firstMs: 250, maxMs: 5000 });
  });
});

describe('keepListening', () => {
  it('takes a lost subscription again with backoff and reports it back once', async () => {
    const time = createFakeTime();
    const src = source(['ok', 'fail', 'fail', 'ok']);
    const errors: string[] = [];
    const resumed: number[] = [];
    const stop = await keepListening({
      connect: src.connect,
      timers: time.timers,
      onResumed: (n) => resumed.push(n),
      onError: (m) => errors.push(m),
    });
    expect(src.tries()).toBe(1);
    src.subs[0]?.lose(new Error('terminating connection due to administrator command'));
    await time.flush();
    expect(errors).toEqual(['LISTEN connection lost: terminating connection due to administrator command; reconnecting in 250 ms']);
    await time.advance(249);
    expect(src.tries()).toBe(1);
    await time.advance(1); // try 1 fails; try 2 after 500 ms
    expect(src.tries()).toBe(2);
    await time.advance(499);
    expect(src.tries()).toBe(2);
    await time.advance(1); // try 2 fails; try 3 after 1 s
    expect(src.tries()).toBe(3);
    expect(errors.slice(1)).toEqual([
      'could not LISTEN again (try 1): refused 2; next try in 500 ms',
      'could not LISTEN again (try 2): refused 3; next try in 1000 ms',
    ]);
    expect(resumed).toEqual([]);
    await time.advance(1000);
    expect(src.tries()).toBe(4);
    expect(resumed).toEqual([3]);
    expect(time.pending()).toBe(0);
    // A second loss starts the backoff from the beginning.
    src.subs[1]?.lose(new Error('connection ended'));
    await time.advance(250);
    expect(src.tries()).toBe(5);
    expect(resumed).toEqual([3, 1]);
    await stop();
    expect(src.subs[2]?.closed).toBe(true);
    expect(src.subs[1]?.closed).toBe(false);
  });

  it('rejects when the first subscription fails', async () => {
    const time = createFakeTime();
    const src = source(['fail']);
    await expect(keepListening({ connect: src.connect, timers: time.timers, onResumed: () => {}, onError: () => {} })).rejects.toThrow(
      'refused 1',
    );
  });

  it('stop cancels a pending try, and a loss after stop is not taken again', async () => {
    const time = createFakeTime();
    const src = source(['ok']);
    const errors: string[] = [];
    const stop = await keepListening({ connect: src.connect, timers: time.timers, onResumed: () => {}, onError: (m) => errors.push(m) });
    src.subs[0]?.lose(new Error('gone'));
    await time.flush();
    expect(time.pending()).toBe(1);
    await stop();
    await stop();
    expect(time.pending()).toBe(0);
    await time.advance(10_000);
    expect(src.tries()).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('closes a subscription that arrives after stop', async () => {
    const time = createFakeTime();
    let finish: (sub: Subscription) => void = () => {};
    let tries = 0;
    let closedLate = false;
    let loseFirst: (e: Error) => void = () => {};
    const connect = (): Promise<Subscription> => {
      tries += 1;
      if (tries === 1) return Promise.resolve({ lost: new Promise<Error>((r) => (loseFirst = r)), close: async () => {} });
      return new Promise((resolve) => (finish = resolve));
    };
    const resumed: number[] = [];
    const stop = await keepListening({ connect, timers: time.timers, onResumed: (n) => resumed.push(n), onError: () => {} });
    loseFirst(new Error('gone'));
    await time.advance(250);
    expect(tries).toBe(2);
    await stop();
    finish({ lost: new Promise<Error>(() => {}), close: async () => void (closedLate = true) });
    await time.flush();
    expect(closedLate).toBe(true);
    expect(resumed).toEqual([]);
  });
});
