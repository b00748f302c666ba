// Extend acceptance: TimeoutStopSec=2 and a 6 s drain. With extension slices the stop ends
// Result=success after more than 2 s; without them systemd times out at about 2 s.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';

const DRAIN = fileURLToPath(new URL('../fixtures/sd-drain.mjs', import.meta.url));

let sb: SystemdSandbox;
beforeAll(async () => {
  sb = await startSystemd();
});
afterAll(async () => {
  await sb?.stop();
});

// Install and start a drain unit; returns its name and InvocationID (the logger writes
// INVOCATION_ID from the env, which is robust where _SYSTEMD_UNIT races with the exit).
async function startDrainUnit(extend: boolean): Promise<{ unit: string; invocation: string }> {
  const unit = `hooks-drain-${extend ? 'ext' : 'plain'}-${randomBytes(4).toString('hex')}.service`;
  await sb.installUnit(
    unit,
    `[Service]\nType=notify\nExecStart=${process.execPath} ${DRAIN} 6000 ${extend ? 1 : 0} 2000 20000\nTimeoutStopSec=2\n`,
  );
  const r = await sb.systemctl('start', unit);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const invocation = (await sb.show(unit, ['InvocationID'])).InvocationID ?? '';
  expect(invocation).toMatch(/^[0-9a-f]{32}$/);
  return { unit, invocation };
}

// The SHUTDOWN_PHASE values this invocation logged, in order.
async function phases(invocation: string): Promise<unknown[]> {
  return (await sb.journal([`INVOCATION_ID=${invocation}`])).map((e) => e['SHUTDOWN_PHASE']);
}

// `systemctl stop` and how long it took, in ms.
async function timedStop(unit: string): Promise<number> {
  const t0 = performance.now();
  await sb.systemctl('stop', unit);
  return performance.now() - t0;
}

describe('extend-timeout slices under systemd --user', () => {
  it('a 6 s drain with slices outlives TimeoutStopSec=2, shows a countdown, and ends Result=success', async () => {
    const { unit, invocation } = await startDrainUnit(true);
    const t0 = performance.now();
    expect((await sb.systemctl('stop', '--no-block', unit)).exitCode).toBe(0);
    // Watch the stop: STATUS= carries the countdown while it drains.
    const statuses = new Set<string>();
    let props = await sb.show(unit, ['ActiveState', 'StatusText', 'Result']);
    while (props.ActiveState !== 'inactive' && props.ActiveState !== 'failed' && performance.now() - t0 < 60_000) {
      if (props.StatusText) statuses.add(props.StatusText);
      await sleep(150);
      props = await sb.show(unit, ['ActiveState', 'StatusText', 'Result']);
    }
    const ms = performance.now() - t0;
    expect(props).toMatchObject({ ActiveState: 'inactive', Result: 'success' });
    expect(ms).toBeGreaterThan(5000);
    expect(
      [...statuses].some((s) => /^draining 1 task, \d+ s left$/.test(s)),
      [...statuses].join(' | '),
    ).toBe(true);
    expect(await phases(invocation)).toEqual(['signal', 'bye']);
  });

  it('the same drain without slices is stopped by the timeout at about 2 s', async () => {
    const { unit, invocation } = await startDrainUnit(false);
    const ms = await timedStop(unit);
    const props = await sb.show(unit, ['ActiveState', 'Result']);
    expect(props.ActiveState).not.toBe('active');
    expect(['timeout', 'signal']).toContain(props.Result);
    expect(ms).toBeGreaterThan(1500);
    expect(ms).toBeLessThan(5000);
    expect(await phases(invocation)).toEqual(['signal']);
  });
});
