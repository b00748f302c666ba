// The fake clock and timers other unit tests drive time with: order, clock readings, microtasks.
import { describe, expect, it } from 'vitest';
import { createFakeTime } from './fake-time.js';

describe('createFakeTime', () => {
  it('starts at the given readings and moves both clocks only in advance()', async () => {
    const time = createFakeTime({ monotonic: 50, now: 1_000_000 });
    expect([time.clock.monotonic(), time.clock.now()]).toEqual([50, 1_000_000]);
    await time.advance(250);
    expect([time.clock.monotonic(), time.clock.now()]).toEqual([300, 1_000_250]);
    expect(createFakeTime().clock.monotonic()).toBe(1000);
  });

  it('fires due timers earliest first, ties in the order they were set, with the clock at their due time', async () => {
    const time = createFakeTime({ monotonic: 0 });
    const fired: string[] = [];
    const at = (name: string) => () => fired.push(`${name}@${time.clock.monotonic()}`);
    time.timers.setTimeout(at('c'), 30);
    time.timers.setTimeout(at('a'), 10);
    time.timers.setTimeout(at('b1'), 20);
    time.timers.setTimeout(at('b2'), 20);
    time.timers.setTimeout(at('late'), 100);
    await time.advance(29);
    expect(fired).toEqual(['a@10', 'b1@20', 'b2@20']);
    expect(time.clock.monotonic()).toBe(29);
    await time.advance(1);
    expect(fired).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30']);
    expect(time.pending()).toBe(1);
    expect(time.nextIn()).toBe(70);
  });

  it('fires timers set by a callback within the same window, and not those past it', async () => {
    const time = createFakeTime({ monotonic: 0 });
    const fired: number[] = [];
    const tick = () => {
      fired.push(time.clock.monotonic());
      time.timers.setTimeout(tick, 40);
    };
    time.timers.setTimeout(tick, 40);
    await time.advance(130);
    expect(fired).toEqual([40, 80, 120]);
    expect(time.nextIn()).toBe(30);
  });

  it('settles promise chains before and between timers', async () => {
    const time = createFakeTime({ monotonic: 0 });
    const log: string[] = [];
    // An async step that schedules a timer only after several awaits.
    void (async () => {
      for (let i = 0; i < 5; i += 1) await Promise.resolve();
      time.timers.setTimeout(() => {
        log.push('first');
        void Promise.resolve()
          .then(() => Promise.resolve())
          .then(() => log.push('after first'));
      }, 10);
      time.timers.setTimeout(() => log.push('second'), 10);
    })();
    await time.advance(10);
    expect(log).toEqual(['first', 'after first', 'second']);
  });

  it('never fires a cleared timer, and counts what is pending', async () => {
    const time = createFakeTime();
    let fired = 0;
    const h = time.timers.setTimeout(() => {
      fired += 1;
    }, 5);
    time.timers.setTimeout(() => {
      fired += 10;
    }, 5);
    expect(time.pending()).toBe(2);
    time.timers.clearTimeout(h);
    time.timers.clearTimeout('not a handle');
    expect(time.pending()).toBe(1);
    await time.advance(100);
    expect(fired).toBe(10);
    expect(time.pending()).toBe(0);
    expect(time.nextIn()).toBeNull();
  });

  it('treats a delay below 1 ms, NaN or past 2^31-1 like Node: as 1 ms', async () => {
    const time = createFakeTime();
    let fired = 0;
    for (const ms of [0, -5, Number.NaN, 2 ** 31])
      time.timers.setTimeout(() => {
        fired += 1;
      }, ms);
    await time.flush();
    expect(fired).toBe(0);
    await time.advance(1);
    expect(fired).toBe(4);
  });

  it("rejects with a throwing callback's error and keeps later timers pending", async () => {
    const time = createFakeTime({ monotonic: 0 });
    let later = false;
    time.timers.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    time.timers.setTimeout(() => {
      later = true;
    }, 20);
    await expect(time.advance(50)).rejects.toThrow('boom');
    expect(time.clock.monotonic()).toBe(10);
    expect(later).toBe(false);
    await time.advance(10);
    expect(later).toBe(true);
  });

  it('refuses a bad step and overlapping calls', async () => {
    const time = createFakeTime();
    await expect(time.advance(-1)).rejects.toThrow(RangeError);
    await expect(time.advance(Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError);
    const first = time.advance(10);
    await expect(time.advance(10)).rejects.toThrow(/already running/);
    await first;
    expect(time.clock.monotonic()).toBe(1010);
  });
});
