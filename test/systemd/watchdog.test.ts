// Watchdog keepalive: interval from WATCHDOG_USEC, pings only while healthy, trigger, stop.
import { describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/systemd/notify/notify.js';
import { startWatchdog, watchdogUsec } from '../../src/systemd/notify/watchdog.js';
import { createFakeTime } from '../harness/fake-time.js';

const ENV = { NOTIFY_SOCKET: '/run/n', WATCHDOG_USEC: '1000000', WATCHDOG_PID: '42' };

// A watchdog wired to a recording notifier and manual time.
function setup(healthCheck: () => boolean | Promise<boolean>, env: Record<string, string> = ENV, signal?: AbortSignal) {
  const sent: string[] = [];
  const time = createFakeTime();
  const notifier = createNotifier({ env, transport: (t) => sent.push(t) });
  const wd = startWatchdog({ env, pid: 42, notifier, healthCheck, timers: time.timers, ...(signal ? { signal } : {}) });
  return { sent, time, wd };
}

describe('watchdogUsec', () => {
  it.each([
    [{ WATCHDOG_USEC: '2000000' }, 2_000_000],
    [{ WATCHDOG_USEC: '2000000', WATCHDOG_PID: '42' }, 2_000_000],
    [{ WATCHDOG_USEC: '2000000', WATCHDOG_PID: '43' }, null],
    [{}, null],
    [{ WATCHDOG_USEC: '0' }, null],
    [{ WATCHDOG_USEC: 'abc' }, null],
    [{ WATCHDOG_USEC: '-5' }, null],
  ] as [Record<string, string>, number | null][])('%j', (env, usec) => expect(watchdogUsec(env, 42)).toBe(usec));
});

describe('startWatchdog', () => {
  it('is inactive when the watchdog is not enabled for this process', () => {
    const { wd, sent, time } = setup(() => true, { NOTIFY_SOCKET: '/run/n', WATCHDOG_USEC: '1000000', WATCHDOG_PID: '7' });
    expect(wd.active).toBe(false);
    expect(wd.intervalMs).toBeNull();
    wd.trigger();
    expect(sent).toEqual([]);
    expect(time.pending()).toBe(0);
  });

  it('pings at half the interval while healthy, and stops pinging when the check fails', async () => {
    let ok = true;
    const { wd, sent, time } = setup(() => ok);
    expect(wd).toMatchObject({ active: true, intervalMs: 500 });
    await time.advance(1);
    expect(sent).toEqual(['WATCHDOG=1']);
    await time.advance(1000);
    expect(sent).toHaveLength(3);
    ok = false;
    await time.advance(2000);
    expect(sent).toHaveLength(3);
    ok = true;
    await time.advance(500);
    expect(sent).toHaveLength(4);
    wd.stop();
    await time.advance(2000);
    expect(sent).toHaveLength(4);
    expect(wd.active).toBe(false);
  });

  it('treats a throwing or rejecting check as unhealthy, and awaits async checks', async () => {
    let mode: 'ok' | 'throw' | 'reject' = 'reject';
    const { sent, time } = setup(async () => {
      if (mode === 'throw') throw new Error('x');
      if (mode === 'reject') return Promise.reject(new Error('y'));
      return true;
    });
    await time.advance(600);
    expect(sent).toEqual([]);
    mode = 'throw';
    await time.advance(500);
    expect(sent).toEqual([]);
    mode = 'ok';
    await time.advance(500);
    expect(sent).toEqual(['WATCHDOG=1']);
  });

  it('stops pinging when a check never settles (a wedged service gets restarted)', async () => {
    let hang = false;
    const { sent, time } = setup(() => (hang ? new Promise<boolean>(() => undefined) : true));
    await time.advance(1);
    hang = true;
    await time.advance(3000);
    hang = false;
    await time.advance(3000);
    expect(sent).toEqual(['WATCHDOG=1']);
  });

  it('trigger() sends WATCHDOG=trigger and stops the keepalive', async () => {
    const { wd, sent, time } = setup(() => true);
    await time.advance(1);
    wd.trigger();
    await time.advance(3000);
    expect(sent).toEqual(['WATCHDOG=1', 'WATCHDOG=trigger']);
  });

  it('stops when the signal aborts, and does not start on an aborted signal', async () => {
    const ac = new AbortController();
    const { sent, time } = setup(() => true, ENV, ac.signal);
    await time.advance(1);
    ac.abort();
    await time.advance(3000);
    expect(sent).toEqual(['WATCHDOG=1']);
    expect(setup(() => true, ENV, AbortSignal.abort()).wd.active).toBe(false);
  });
});
