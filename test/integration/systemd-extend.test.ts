// Extend acceptance: TimeoutStopSec=2 and a 6 s drain. With extension slices the stop ends
// Result=success after more than 2 s; without them systemd times out at about 2 s.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystemd, type SystemdSandbox } from '../harness/systemd.js';

const DRAIN = fileURLToPath(new URL('../fixtures/sd-drain.mjs', import.meta.url));

let sb: SystemdSandbox;
beforeAll(async () => { sb = await startSystemd(); });
afterAll(async () => { await sb?.stop(); });

// Install and start a drain unit; returns its name.
async function startDrainUnit(extend: boolean): Promise<string> {
  const unit = `hooks-drain-${extend ? 'ext' : 'plain'}-${randomBytes(4).toString('hex')}.service`;
  await sb.installUnit(unit, `[Service]\nType=notify\nExecStart=${process.execPath} ${DRAIN} 6000 ${extend ? 1 : 0} 2000 20000\nTimeoutStopSec=2\n`);
  const r = await sb.systemctl('start', unit);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return unit;
}

// `systemctl stop` and how long it took, in ms.
async function timedStop(unit: string): Promise<number> {
  const t0 = performance.now();
  await sb.systemctl('stop', unit);
  return performance.now() - t0;
}

describe('extend-timeout slices under systemd --user', () => {
  it('a 6 s drain with slices outlives TimeoutStopSec=2 and ends Result=success', async () => {
    const unit = await startDrainUnit(true);
    const ms = await timedStop(unit);
    expect(await sb.show(unit, ['ActiveState', 'Result'])).toEqual({ ActiveState: 'inactive', Result: 'success' });
    expect(ms).toBeGreaterThan(5000);
    const bye = await sb.journal([`_SYSTEMD_UNIT=${unit}`, 'SHUTDOWN_PHASE=bye']);
    expect(bye.map((e) => e['MESSAGE'])).toEqual(['drained']);
  });

  it('the same drain without slices is stopped by the timeout at about 2 s', async () => {
    const unit = await startDrainUnit(false);
    const ms = await timedStop(unit);
    const props = await sb.show(unit, ['ActiveState', 'Result']);
    expect(props.ActiveState).not.toBe('active');
    expect(['timeout', 'signal']).toContain(props.Result);
    expect(ms).toBeGreaterThan(1500);
    expect(ms).toBeLessThan(5000);
    expect(await sb.journal([`_SYSTEMD_UNIT=${unit}`, 'SHUTDOWN_PHASE=bye'])).toEqual([]);
  });
});
